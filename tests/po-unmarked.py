#!/usr/bin/env python3
"""Finds user-facing messages that are not marked for translation.

A heuristic: in a call to one of the message functions below, the message
argument must not be a plain string literal holding words; it must be _("...")
(or a literal with no words, such as "%s" or "%s: %s"). Comments and string
contents are skipped while scanning, so the C need not be preprocessed.

usage: po-unmarked.py [--allow FILE] SOURCE...
Prints FILE:LINE: FUNCTION: unmarked message "..." and exits 1 for each one
found. The allow-list holds lines 'PATH: "literal"' (exact, as in the source)
for messages that must stay untranslated; '#' starts a comment.
"""
import re
import sys

# function -> index of its message (format) argument
MESSAGE_ARG = {
    'vctl_error_set': 2,
    'vctl_error_set_errno': 3,
    'vctl_error_new': 2,
    'conf_err': 2,
    'config_error': 3,
    'qemu_cmd_refuse': 2,
    'qmp_end': 2,
    'vctl_fail': 0,
    'vctl_fail_api': 0,
    'log_info': 0,
    'log_warning': 0,
    'log_error': 0,
    'g_printerr': 0,
    'g_set_error': 3,
    'printf': 0,
    'fprintf': 1,
    'puts': 0,
}

IDENT = re.compile(r'[A-Za-z_][A-Za-z0-9_]*')
LITERALS_ONLY = re.compile(r'^\s*("(?:[^"\\\n]|\\.)*"\s*)+$', re.S)


def skip_literal(s, i):
    quote = s[i]
    i += 1
    while s[i] != quote:
        i += 2 if s[i] == '\\' else 1
    return i + 1


def calls(s):
    """(name, index of its '(') for every call of a message function"""
    i, n = 0, len(s)
    while i < n:
        if s.startswith('//', i):
            i = s.find('\n', i)
            i = n if i < 0 else i
        elif s.startswith('/*', i):
            i = s.index('*/', i) + 2
        elif s[i] in '"\'':
            i = skip_literal(s, i)
        elif s[i] == '#' and (i == 0 or s[i - 1] == '\n'):
            # a #define's body is not a call site
            j = s.find('\n', i)
            while j > 0 and s[j - 1] == '\\':
                j = s.find('\n', j + 1)
            j = n if j < 0 else j
            i = j if re.match(r'#\s*define\b', s[i:j]) else i + 1
        elif s[i].isalpha() or s[i] == '_':
            m = IDENT.match(s, i)
            i = m.end()
            j = i
            while j < n and s[j] in ' \t\n':
                j += 1
            if j < n and s[j] == '(' and m.group(0) in MESSAGE_ARG:
                yield m.group(0), j
        else:
            i += 1


def arguments(s, p):
    """the argument texts of the call whose '(' is at p"""
    args, depth, i, start = [], 0, p + 1, p + 1
    while True:
        c = s[i]
        if c in '"\'':
            i = skip_literal(s, i)
            continue
        if s.startswith('/*', i):
            i = s.index('*/', i) + 2
            continue
        if c in '([{':
            depth += 1
        elif c in ')]}':
            if depth == 0:
                args.append(s[start:i])
                return args
            depth -= 1
        elif c == ',' and depth == 0:
            args.append(s[start:i])
            start = i + 1
        i += 1


def has_words(literal):
    text = ''.join(re.findall(r'"((?:[^"\\]|\\.)*)"', literal))
    text = re.sub(r'%[-+ #0-9.*lhzjtqL]*[a-zA-Z%]', '', text)
    text = re.sub(r'\\.', ' ', text)
    return re.search(r'[A-Za-z]{2,}', text) is not None


def main(argv):
    allowed = set()
    if len(argv) > 2 and argv[1] == '--allow':
        for line in open(argv[2], encoding='utf-8'):
            line = line.strip()
            if line and not line.startswith('#'):
                allowed.add(line)
        argv = argv[2:]
    found = 0
    for path in argv[1:]:
        s = open(path, encoding='utf-8').read()
        for name, p in calls(s):
            args = arguments(s, p)
            k = MESSAGE_ARG[name]
            if k >= len(args):
                continue
            arg = ' '.join(args[k].split())
            if not LITERALS_ONLY.match(arg) or not has_words(arg):
                continue
            if f'{path}: {arg}' in allowed:
                continue
            line = s.count('\n', 0, p) + 1
            print(f'{path}:{line}: {name}: unmarked message {arg} (wrap it in _())')
            found += 1
    return 1 if found else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
