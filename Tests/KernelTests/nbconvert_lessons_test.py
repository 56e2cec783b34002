"""Runs every exported lesson notebook through `jupyter nbconvert --to notebook --execute` with the
seek kernel and compares what the kernel printed with what `microseek lesson N --export` recorded.

Usage: python nbconvert_lessons_test.py MICROSEEK_BINARY LESSON_NUMBER...
For each code cell it compares the printed text (stream output) and the echoed value
(execute_result), and the number of images. Exercise cells (tag "exercise") hold the learner's
starting code, which is meant to fail its check, so they run with errors allowed and are not
compared. A `saved PATH` line is compared by file name only: each run has its own `out_dir`
(the export's image folder, the kernel's working folder). Ends with the line `N passed, M failed`.
"""
import glob, json, os, re, subprocess, sys, tempfile

binary = os.path.abspath(sys.argv[1])
lessons = sys.argv[2:]
work = tempfile.mkdtemp(prefix="seek-nbconvert-")
subprocess.run([binary, "kernel", "install", "--prefix", work], check=True, capture_output=True)
env = dict(os.environ, JUPYTER_PATH=os.path.join(work, "share", "jupyter"), NO_COLOR="1")
jupyter = os.path.join(os.path.dirname(sys.executable), "jupyter")

def texts(cell):
    printed = "".join(o.get("text", "") if isinstance(o.get("text"), str) else "".join(o.get("text", []))
                      for o in cell.get("outputs", []) if o["output_type"] == "stream")
    printed = re.sub(r"^saved .*/", "saved ", printed, flags=re.M)
    values = [o["data"].get("text/plain") for o in cell.get("outputs", []) if o["output_type"] == "execute_result"]
    values = ["".join(v) if isinstance(v, list) else v for v in values]
    images = sum(1 for o in cell.get("outputs", []) if "image/png" in o.get("data", {}))
    return printed, values, images

passed = failed = 0
for number in lessons:
    out = os.path.join(work, f"export-{number}")
    subprocess.run([binary, "lesson", number, "--export", out], check=True, capture_output=True, env=env, cwd=work)
    notebook = glob.glob(os.path.join(out, "*.ipynb"))[0]
    executed = os.path.join(work, f"executed-{number}.ipynb")
    run = subprocess.run([jupyter, "nbconvert", "--to", "notebook", "--execute", "--allow-errors",
                          "--ExecutePreprocessor.timeout=600", "--output", executed, notebook],
                         capture_output=True, text=True, env=env, cwd=out)
    if run.returncode != 0:
        failed += 1
        print(f"FAILED lesson {number}: nbconvert exited {run.returncode}\n{run.stderr[-2000:]}")
        continue
    recorded = json.load(open(notebook))["cells"]
    got = json.load(open(executed))["cells"]
    mismatches = 0
    for index, (a, b) in enumerate(zip(recorded, got)):
        if a["cell_type"] != "code" or "exercise" in a.get("metadata", {}).get("tags", []):
            continue
        errors = [o for o in b.get("outputs", []) if o["output_type"] == "error"]
        if errors or texts(a) != texts(b):
            mismatches += 1
            print(f"FAILED lesson {number} cell {index}: recorded {texts(a)!r:.300} executed {texts(b)!r:.300} errors {errors!r:.300}")
    if mismatches == 0 and len(recorded) == len(got):
        passed += 1
        print(f"lesson {number}: every code cell matches --export")
    else:
        failed += 1
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
