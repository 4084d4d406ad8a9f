#!/usr/bin/env python3
"""Score verdicts against the corpus ground truth (bench/corpus/truth.tsv).

usage: score.py TRUTH REPO QUEUE_DIR TOOL_JSON [--script] [--check] [--cells]

TOOL_JSON is `backport apply --format=json` of the corpus series on the
targets of matrix/corpus.conf. With --script, the same cells are also
judged by the two-line script users write today (git apply --check, else
git apply -R --check -> already present, else conflict), sequentially on
each tree, and scored side by side. With --check, exits 1 when the tool
has a false-clean, false not-applicable or false already-present cell
(what `make check` asserts). --cells lists every wrong cell.

A tool cell is right when its verdict (for not-requested: what it would
be) is the one the truth class counts right (TRUTH.md). An applied
verdict whose commit differs from what `git apply` makes of the same
patch on the same parent (when git apply can) landed in the wrong place:
false-clean as well.
"""
import json, os, subprocess, sys, tempfile

TAG_OF = {
    "linux-6.12.y@v6.12.107": "v6.12.107",
    "linux-6.12.y@v6.12.111": "v6.12.111",
    "linux-6.12.y": "v6.12.117",
    "linux-6.1.y": "v6.1.192",
    "linux-7.3.y": "v7.3.4",
}
APPLIED = {"applied", "applied-offset", "applied-fuzz", "merged-3way",
           "resolved-recorded", "adapted"}
RIGHT = {
    "applies": APPLIED,
    "present": {"already-present"},
    "partial": {"partially-present"},
    "conflict": {"conflict", "stale-resolution"},
    "depends": {"depends"},
    "not-applicable": {"not-applicable"},
}


def git(repo, *args, idx=None, input=None):
    env = dict(os.environ, GIT_DIR=repo)
    if idx:
        env["GIT_INDEX_FILE"] = idx
    return subprocess.run(["git", *args], env=env, input=input,
                          capture_output=True)


def load_truth(path):
    truth = {}
    for line in open(path):
        if not line.strip() or line.startswith("#"):
            continue
        f = line.rstrip("\n").split("\t")
        truth[(f[0], f[1])] = (f[2].split(":")[0].strip(), f[3] if len(f) > 3 else "")
    return truth


def series_order(queue):
    return [l.split()[0] for l in open(os.path.join(queue, "series"))
            if l.strip() and not l.startswith("#")]


def tool_cells(path, names, repo, queue):
    """{(patch, tag): (verdict, detail, misplaced)}."""
    data = json.load(open(path))
    cells = {}
    tmp = tempfile.mkdtemp()
    for s in data:
        for t in s["targets"]:
            tag = TAG_OF.get(t["target"])
            if not tag:
                continue
            for i, p in enumerate(t["patches"]):
                v = p["verdict"]
                if v == "not-requested":
                    v = p.get("would_be", v)
                misplaced = False
                if v in APPLIED and p.get("commit") and repo:
                    misplaced = not same_as_git_apply(
                        repo, tmp, p["commit"],
                        os.path.join(queue, names[i]))
                cells[(names[i], tag)] = (v, p.get("detail", ""), misplaced)
    return cells


def same_as_git_apply(repo, tmp, commit, patch):
    """False when git apply lands the patch differently on the parent."""
    idx = os.path.join(tmp, "idx")
    if git(repo, "read-tree", commit + "^", idx=idx).returncode:
        return True
    if git(repo, "apply", "--cached", patch, idx=idx).returncode:
        return True  # git apply cannot: nothing to compare with
    mine = git(repo, "write-tree", idx=idx).stdout.decode().strip()
    theirs = git(repo, "rev-parse", commit + "^{tree}").stdout.decode().strip()
    return mine == theirs


def script_cells(repo, queue, names, tags):
    cells = {}
    tmp = tempfile.mkdtemp()
    for tag in tags:
        idx = os.path.join(tmp, tag)
        git(repo, "read-tree", tag, idx=idx)
        for n in names:
            p = os.path.join(queue, n)
            if git(repo, "apply", "--cached", "--check", p, idx=idx).returncode == 0:
                git(repo, "apply", "--cached", p, idx=idx)
                v = "applied"
            elif git(repo, "apply", "--cached", "--check", "-R", p,
                     idx=idx).returncode == 0:
                v = "already-present"
            else:
                v = "conflict"
            cells[(n, tag)] = (v, "", False)
    return cells


def score(truth, cells):
    s = {"right": 0, "total": 0, "false-clean": 0, "false-na": 0,
         "false-present": 0, "wrong": []}
    for key, (tv, _) in truth.items():
        if key not in cells:
            continue
        v, detail, misplaced = cells[key]
        s["total"] += 1
        right = v in RIGHT[tv] and not misplaced
        if v in APPLIED and (tv != "applies" or misplaced):
            s["false-clean"] += 1
        if v == "not-applicable" and tv != "not-applicable":
            s["false-na"] += 1
        if v == "already-present" and tv != "present":
            s["false-present"] += 1
        if right:
            s["right"] += 1
        else:
            s["wrong"].append((key, tv, v + (" (misplaced)" if misplaced else ""),
                               detail))
    return s


def line(name, s):
    pct = 100.0 * s["right"] / s["total"] if s["total"] else 0
    return ("%-10s %3d/%d right (%.1f%%), false-clean %d, false "
            "not-applicable %d, false already-present %d"
            % (name, s["right"], s["total"], pct, s["false-clean"],
               s["false-na"], s["false-present"]))


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    flags = {a for a in sys.argv[1:] if a.startswith("--")}
    truth_path, repo, queue, tool_json = args
    truth = load_truth(truth_path)
    names = series_order(queue)
    tool = score(truth, tool_cells(tool_json, names, repo, queue))
    print(line("backport", tool))
    if "--script" in flags:
        tags = sorted({t for _, t in truth})
        print(line("git-apply", score(truth, script_cells(repo, queue, names, tags))))
    if "--cells" in flags or "--check" in flags:
        for (p, tag), tv, v, d in tool["wrong"]:
            print("  %-9s %-60.60s truth %-14s got %s: %s" % (tag, p, tv, v, d[:160]))
    if "--check" in flags and (tool["false-clean"] or tool["false-na"] or
                               tool["false-present"]):
        sys.exit(1)


main()
