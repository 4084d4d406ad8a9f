#!/usr/bin/env python3
"""Mechanical evidence for the corpus ground truth (bench/corpus/truth.tsv).

For every patch of a quilt queue (in `series` order) and every tree, prints
one TSV row with what git itself says, the raw material a person reads
before writing a cell of the truth table:

  seq     git apply --check on the tree with every earlier patch of the
          queue that applied cleanly already applied (the tool's setting)
  alone   git apply --check on the bare tree
  rev     git apply -R --check on the tree (with the earlier patches)
  hunks   per hunk: F applies forward, R applies in reverse, - neither,
          ? both (after the earlier patches)
  C1      git apply -C1 --check (one line of context is enough)
  missing files the patch modifies that the tree lacks
  log     the tree's Debian changelog: upstream stable release(s) whose
          entry lists the patch's title, and 'REVERTED' when a later
          'Revert "title"' is listed

usage: evidence.py REPO QUEUE_DIR CHANGELOG_DIR TAG... > evidence.tsv
CHANGELOG_DIR holds <tag>.changelog (zcat of changelog.Debian.gz).
"""
import os, re, subprocess, sys, tempfile

def git(repo, idx, *args, input=None):
    env = dict(os.environ, GIT_DIR=repo, GIT_INDEX_FILE=idx)
    return subprocess.run(["git", *args], env=env, input=input,
                          capture_output=True)

def split_hunks(text):
    """[(file_header, [hunk_text...])...] of a unified diff; hunks end
    where their @@ counts say, so mail signatures are left out."""
    files, lines, i = [], text.splitlines(keepends=True), 0
    while i < len(lines):
        l = lines[i]
        if (l.startswith("--- ") and i + 1 < len(lines)
                and lines[i + 1].startswith("+++ ")):
            hdr = l + lines[i + 1]
            j = i - 1
            while j >= 0 and not lines[j].startswith("diff --git ") \
                    and re.match(r"(index |old mode|new mode|new file|"
                                 r"deleted file|similarity|rename )", lines[j]):
                j -= 1
            if j >= 0 and lines[j].startswith("diff --git "):
                hdr = "".join(lines[j:i]) + hdr
            cur = [hdr, []]
            files.append(cur)
            i += 2
            while i < len(lines) and lines[i].startswith("@@"):
                m = re.match(r"@@ -\d+(?:,(\d+))? \+\d+(?:,(\d+))? @@", lines[i])
                old = int(m.group(1) or 1)
                new = int(m.group(2) or 1)
                h = [lines[i]]
                i += 1
                while i < len(lines) and (old > 0 or new > 0 or
                                          lines[i].startswith("\\")):
                    c = lines[i][:1]
                    if c in (" ", "\n"):
                        old -= 1; new -= 1
                    elif c == "-":
                        old -= 1
                    elif c == "+":
                        new -= 1
                    h.append(lines[i])
                    i += 1
                cur[1].append("".join(h))
            continue
        i += 1
    return [(h, hs) for h, hs in files]

def title_of(text):
    m = re.search(r"^Subject: (?:\[[^]]*\] ?)*(.*(?:\n[ \t].*)*)", text, re.M)
    return re.sub(r"\s+", " ", m.group(1)).strip() if m else ""

def changelog_titles(path):
    """{title: [releases]} and the set of reverted titles."""
    lines = open(path, encoding="utf-8", errors="replace").read().splitlines()
    titles, release, cur = {}, None, None
    def flush():
        if cur is not None and release:
            t = re.sub(r"\s*\((CVE-[0-9-]+(, )?)+\)$", "", cur.strip())
            t = re.sub(r"^\[[^]]+\] ", "", t)
            titles.setdefault(t, []).append(release)
    for l in lines:
        m = re.search(r"ChangeLog-([0-9.]+)$", l)
        if m:
            flush(); cur = None
            release = m.group(1)
            continue
        if re.match(r"^\S", l) or re.match(r"^  \* ", l) or not l.strip():
            flush(); cur = None
            if re.match(r"^  \* ", l) and "New upstream stable" not in l:
                release = None
            continue
        m = re.match(r"^    - (.*)", l)
        if m:
            flush(); cur = m.group(1)
        elif cur is not None and re.match(r"^      \S", l):
            cur += " " + l.strip()
    flush()
    reverted = {t[len('Revert "'):-1] for t in titles
                if t.startswith('Revert "') and t.endswith('"')}
    return titles, reverted

def main():
    repo, queue, cldir, tags = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
    names = [l.split()[0] for l in open(os.path.join(queue, "series"))
             if l.strip() and not l.startswith("#")]
    print("tag\tpatch\tseq\talone\trev\thunks\tC1\tmissing\tlog")
    tmp = tempfile.mkdtemp()
    for tag in tags:
        idx, base = os.path.join(tmp, tag + ".seq"), os.path.join(tmp, tag + ".base")
        git(repo, idx, "read-tree", tag)
        git(repo, base, "read-tree", tag)
        cl = os.path.join(cldir, tag + ".changelog")
        titles, reverted = changelog_titles(cl) if os.path.exists(cl) else ({}, set())
        files = set(git(repo, base, "ls-files").stdout.decode().splitlines())
        for n in names:
            path = os.path.join(queue, n)
            text = open(path, encoding="utf-8", errors="replace").read()
            chk = lambda i, *a: git(repo, i, "apply", "--cached", "--check",
                                    *a, path).returncode == 0
            seq, alone, rev = chk(idx), chk(base), chk(idx, "-R")
            c1 = chk(idx, "-C1")
            hs = []
            missing = []
            for hdr, hunks in split_hunks(text):
                m = re.search(r"^--- a/(\S+)", hdr, re.M)
                if m and m.group(1) not in files:
                    missing.append(m.group(1))
                for h in hunks:
                    p = (hdr + h).encode()
                    f = git(repo, idx, "apply", "--cached", "--check",
                            "-", input=p).returncode == 0
                    r = git(repo, idx, "apply", "--cached", "--check", "-R",
                            "-", input=p).returncode == 0
                    hs.append("?" if f and r else "F" if f else "R" if r else "-")
            t = title_of(text)
            log = ",".join(titles.get(t, []))
            if t in reverted:
                log += " REVERTED"
            if seq:
                git(repo, idx, "apply", "--cached", path)
            print("\t".join([tag, n, "ok" if seq else "no", "ok" if alone else "no",
                             "ok" if rev else "no", "".join(hs),
                             "ok" if c1 else "no", ",".join(missing), log]))
            sys.stdout.flush()

main()
