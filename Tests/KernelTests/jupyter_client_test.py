"""End-to-end test of `microseek kernel` with the real Jupyter client (jupyter_client).

Usage: python jupyter_client_test.py MICROSEEK_BINARY
Installs the kernelspec into a temporary prefix, starts the kernel through KernelManager, and
checks execute (state persists, streams, results, PNG figures, errors), complete, inspect,
is_complete, history, interrupt of a long loop (the kernel lives on), a message with a bad
signature (dropped, never executed), and shutdown. Ends with the line `N passed, M failed`.
"""
import os, subprocess, sys, tempfile, time, uuid

from jupyter_client import KernelManager
from jupyter_client.session import Session

binary = os.path.abspath(sys.argv[1])
prefix = tempfile.mkdtemp(prefix="seek-kernel-")
subprocess.run([binary, "kernel", "install", "--prefix", prefix], check=True, capture_output=True)
os.environ["JUPYTER_PATH"] = os.path.join(prefix, "share", "jupyter")

passed, failed = 0, 0
def check(name, condition, detail=""):
    global passed, failed
    if condition:
        passed += 1
    else:
        failed += 1
        print(f"FAILED {name}: {detail}")

km = KernelManager(kernel_name="seek")
started = time.monotonic()
km.start_kernel()
kc = km.client()
kc.start_channels()
kc.wait_for_ready(timeout=30)
print(f"kernel ready in {time.monotonic() - started:.3f} s")

def run(code, timeout=30):
    """Executes code; returns (reply content, iopub messages of this request)."""
    msg_id = kc.execute(code)
    reply = kc.get_shell_msg(timeout=timeout)
    while reply["parent_header"].get("msg_id") != msg_id:
        reply = kc.get_shell_msg(timeout=timeout)
    messages = []
    while True:
        msg = kc.get_iopub_msg(timeout=timeout)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        messages.append(msg)
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            return reply["content"], messages

def of_type(messages, kind):
    return [m["content"] for m in messages if m["msg_type"] == kind]

info = kc.kernel_info(reply=True, timeout=10)["content"]
check("kernel_info", info["language_info"]["name"] == "seek" and info["protocol_version"] == "5.3", info)

reply, messages = run("x = 1 + 1\nprint(\"hello\")")
check("execute ok", reply["status"] == "ok", reply)
check("stream", "".join(c["text"] for c in of_type(messages, "stream")) == "hello\n", messages)
check("busy then idle", [c["execution_state"] for c in of_type(messages, "status")] == ["busy", "idle"], messages)
reply, messages = run("x * 21")
results = of_type(messages, "execute_result")
check("state persists", results and results[0]["data"]["text/plain"] == "42", messages)
check("execution count", reply["execution_count"] == 2, reply)

reply, messages = run("plot([1, 3, 2], title=\"curve\")")
images = [c for c in of_type(messages, "display_data") if "image/png" in c["data"]]
check("png display", len(images) == 1 and images[0]["data"]["image/png"].startswith("iVBORw0KGgo"), messages)

reply, messages = run("undefined_name + 1")
errors = of_type(messages, "error")
check("error reply", reply["status"] == "error" and errors and "undefined_name" in errors[0]["evalue"], reply)

complete = kc.complete("so", 2, reply=True, timeout=10)["content"]
check("complete", "softmax" in complete["matches"] and complete["cursor_start"] == 0, complete)
inspect = kc.inspect("relu", 2, reply=True, timeout=10)["content"]
check("inspect", inspect["found"] and "relu" in inspect["data"]["text/plain"], inspect)
def is_complete(code):
    msg_id = kc.is_complete(code)
    reply = kc.get_shell_msg(timeout=10)
    while reply["parent_header"].get("msg_id") != msg_id:
        reply = kc.get_shell_msg(timeout=10)
    return reply["content"]["status"]
check("is_complete", is_complete("fn f() {") == "incomplete")
check("is_complete done", is_complete("1 + 1") == "complete")
history = kc.history(reply=True, timeout=10)["content"]
check("history", history["status"] == "ok" and any("x * 21" in entry[2] for entry in history["history"]), history)

# Interrupt a loop that would run for minutes; the kernel must live on with its state.
msg_id = kc.execute("n = 0\nwhile true { n = n + 1 }")
time.sleep(1.0)
km.interrupt_kernel()
reply = kc.get_shell_msg(timeout=30)
check("interrupt stops the loop", reply["content"]["status"] == "error" and "interrupt" in reply["content"]["evalue"], reply["content"])
reply, messages = run("x")
check("alive after interrupt", of_type(messages, "execute_result")[0]["data"]["text/plain"] == "2", messages)

# A message signed with another key is dropped: its code never runs.
rogue = Session(key=uuid.uuid4().hex.encode(), session=kc.session.session)
rogue.send(kc.shell_channel.socket, "execute_request", {"code": "stolen = 1", "silent": False, "store_history": True,
           "user_expressions": {}, "allow_stdin": False, "stop_on_error": True})
time.sleep(0.5)
reply, messages = run("stolen")
check("bad signature never executed", reply["status"] == "error", reply)

km.shutdown_kernel(now=False)
check("shutdown", not km.is_alive())
kc.stop_channels()
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
