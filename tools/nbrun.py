#!/usr/bin/python3
"""hubwatch notebook runner: executes notebooks on the project's Deno kernel, headlessly.

Why not `jupyter nbconvert --execute`: the Deno kernel often publishes outputs after it reports
`idle`, and nbclient drops them; errors raised inside display functions come back as an `ok`
reply with an `error` output; a thrown error leaves no executed notebook behind. This runner
drives jupyter_client itself:

* keeps reading IOPub for a grace period after `idle` and keeps late outputs of the cell;
* fails a notebook on any `error` output (including ones from display functions), on an error
  reply, and on a cell that exceeds its timeout (the kernel is interrupted, then shut down);
* honours `update_display_data` and `clear_output`, so live progress ends in its final state;
* always writes the executed notebook (also on failure) and can export HTML;
* always shuts the kernel down, also on SIGINT/SIGTERM;
* starts one kernel at a time on this machine (a lock file), so that runners started side by
  side cannot pick the same free TCP ports: a client connected to another kernel's port fails
  with `ValueError: Invalid Signature` (seen with six runners started at once).

Usage: nbrun.py [--out DIR] [--html] [--timeout SECONDS] [--grace SECONDS] NOTEBOOK...
Exit code 0 when every notebook ran without error, 1 otherwise, 2 on bad usage.
"""
import argparse
import contextlib
import fcntl
import os
import queue
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("JUPYTER_PATH", str(ROOT / "jupyter"))
os.environ.setdefault("RUST_BACKTRACE", "0")
os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")

import nbformat  # noqa: E402
from jupyter_client.manager import KernelManager  # noqa: E402


class Interrupted(Exception):
    pass


KERNEL_START_LOCK = Path(os.environ.get("TMPDIR", "/tmp")) / "hubwatch-kernel-start.lock"


@contextlib.contextmanager
def kernel_start_lock():
    """Holds a machine-wide lock from choosing the kernel's ports until the kernel has bound them."""
    with open(KERNEL_START_LOCK, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _on_signal(signum, _frame):
    raise Interrupted(f"received signal {signum}")


def _output_from_message(msg):
    kind = msg["msg_type"]
    content = msg["content"]
    if kind == "stream":
        return nbformat.v4.new_output("stream", name=content["name"], text=content["text"])
    if kind in ("display_data", "update_display_data"):
        return nbformat.v4.new_output(
            "display_data", data=content.get("data", {}), metadata=content.get("metadata", {})
        )
    if kind == "execute_result":
        return nbformat.v4.new_output(
            "execute_result",
            data=content.get("data", {}),
            metadata=content.get("metadata", {}),
            execution_count=content.get("execution_count"),
        )
    if kind == "error":
        return nbformat.v4.new_output(
            "error", ename=content.get("ename", ""), evalue=content.get("evalue", ""),
            traceback=content.get("traceback", []),
        )
    return None


class CellRun:
    """Collects the outputs of one cell, applying display updates and clear_output."""

    def __init__(self):
        self.outputs = []
        self.display_ids = {}  # display_id -> list of output indices
        self.clear_pending = False

    def add(self, msg):
        kind = msg["msg_type"]
        content = msg["content"]
        if kind == "clear_output":
            if content.get("wait"):
                self.clear_pending = True
            else:
                self.outputs.clear()
                self.display_ids.clear()
            return
        if kind == "update_display_data":
            display_id = content.get("transient", {}).get("display_id")
            for index in self.display_ids.get(display_id, []):
                self.outputs[index]["data"] = content.get("data", {})
                self.outputs[index]["metadata"] = content.get("metadata", {})
            return
        output = _output_from_message(msg)
        if output is None:
            return
        if self.clear_pending:
            self.outputs.clear()
            self.display_ids.clear()
            self.clear_pending = False
        if output["output_type"] == "stream" and self.outputs and \
                self.outputs[-1]["output_type"] == "stream" and self.outputs[-1]["name"] == output["name"]:
            self.outputs[-1]["text"] += output["text"]
            return
        display_id = content.get("transient", {}).get("display_id")
        if display_id is not None:
            self.display_ids.setdefault(display_id, []).append(len(self.outputs))
        self.outputs.append(output)


def run_cell(kc, km, source, timeout, grace):
    """Executes one cell; returns (CellRun, reply_status, failure message or None)."""
    msg_id = kc.execute(source, store_history=True, allow_stdin=False, stop_on_error=True)
    run = CellRun()
    deadline = time.monotonic() + timeout
    idle_at = None
    reply = None
    timed_out = False
    while True:
        now = time.monotonic()
        if idle_at is not None and now >= idle_at + grace and reply is not None:
            break
        if now >= deadline:
            timed_out = True
            break
        wait = min(0.05 if idle_at is not None else 0.5, max(0.0, deadline - now))
        try:
            msg = kc.get_iopub_msg(timeout=wait)
        except queue.Empty:
            msg = None
        if msg is not None and msg.get("parent_header", {}).get("msg_id") == msg_id:
            if msg["msg_type"] == "status":
                if msg["content"]["execution_state"] == "idle":
                    idle_at = time.monotonic()
            else:
                run.add(msg)
        if reply is None:
            try:
                shell = kc.get_shell_msg(timeout=0)
                if shell.get("parent_header", {}).get("msg_id") == msg_id:
                    reply = shell
            except queue.Empty:
                pass
    if timed_out:
        try:
            km.interrupt_kernel()
        except Exception:  # noqa: BLE001 - the kernel is shut down right after
            pass
        return run, "timeout", f"cell did not finish within {timeout:g} s"
    status = reply["content"].get("status", "error")
    errors = [o for o in run.outputs if o["output_type"] == "error"]
    if status != "ok":
        detail = reply["content"].get("evalue") or (errors[0]["evalue"] if errors else "")
        return run, status, f"cell raised {reply['content'].get('ename', 'an error')}: {detail}"
    if errors:
        return run, status, f"cell produced an error output {errors[0]['ename']}: {errors[0]['evalue']}"
    return run, status, None


def execute_notebook(path, out_dir, timeout, grace, html):
    nb = nbformat.read(path, as_version=4)
    kernel_name = nb.metadata.get("kernelspec", {}).get("name")
    if kernel_name != "deno":
        return False, f"metadata.kernelspec.name must be \"deno\": current value is {kernel_name!r}", None
    km = KernelManager(kernel_name="deno")
    started = time.monotonic()
    failure = None
    kc = None
    try:
        with kernel_start_lock():
            # The kernel's own stderr only says that `deno jupyter` is unstable: keep it out of logs.
            km.start_kernel(cwd=str(Path(path).resolve().parent), stderr=subprocess.DEVNULL)
            kc = km.client()
            kc.start_channels()
            kc.wait_for_ready(timeout=120)
        count = 0
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            cell.outputs = []
            if cell.source.strip() == "":
                cell.execution_count = None
                continue
            count += 1
            run, _status, message = run_cell(kc, km, cell.source, timeout, grace)
            cell.outputs = run.outputs
            cell.execution_count = count
            if message is not None:
                failure = f"cell {index + 1}: {message}"
                break
    except Interrupted as error:
        failure = f"interrupted ({error})"
    except Exception as error:  # noqa: BLE001 - reported as this notebook's failure
        failure = f"{type(error).__name__}: {error}"
    finally:
        if kc is not None:
            kc.stop_channels()
        try:
            km.shutdown_kernel(now=False)
        except Exception:  # noqa: BLE001
            km.shutdown_kernel(now=True)
    elapsed = time.monotonic() - started
    out_dir.mkdir(parents=True, exist_ok=True)
    out_path = out_dir / Path(path).name
    nb.metadata.setdefault("hubwatch", {})["executed"] = {"ok": failure is None, "seconds": round(elapsed, 2)}
    nbformat.write(nb, str(out_path))
    try:
        from nbformat.sign import NotebookNotary

        NotebookNotary().sign(nb)
    except Exception:  # noqa: BLE001 - signing only affects the classic UI's trust badge
        pass
    if html:
        from nbconvert import HTMLExporter

        body, _ = HTMLExporter().from_notebook_node(nb)
        out_path.with_suffix(".html").write_text(body, encoding="utf-8")
    return failure is None, failure, elapsed


def main(argv):
    parser = argparse.ArgumentParser(description="Execute notebooks on the hubwatch Deno kernel.")
    parser.add_argument("notebooks", nargs="+")
    parser.add_argument("--out", default=str(ROOT / "build" / "notebooks"))
    parser.add_argument("--html", action="store_true", help="also export HTML next to the executed notebook")
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds per cell (default 300)")
    parser.add_argument("--grace", type=float, default=0.3, help="seconds to keep reading after idle (default 0.3)")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGINT, _on_signal)
    failed = 0
    for path in args.notebooks:
        ok, message, elapsed = execute_notebook(path, Path(args.out), args.timeout, args.grace, args.html)
        if ok:
            print(f"ok      {path} ({elapsed:.1f} s)", flush=True)
        else:
            failed += 1
            print(f"FAILED  {path}: {message}", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
