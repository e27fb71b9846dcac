/* Volume disks of a guest about to start (qemu_storage.c). */
#pragma once

#include "driver/domain_list.h"

/* Resolves every <disk type='volume'> of live to its file, format and
 * backing image (in place), refusing a missing pool or volume, a format
 * that contradicts the volume's, or a volume another running guest writes
 * to. Called with the domain list locked. 0, or -1 with the error set. */
int qemu_storage_prepare_locked(domain_list *domains, domain_def *live);
