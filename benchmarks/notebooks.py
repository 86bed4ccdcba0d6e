"""Benchmark every solution notebook: wall time from kernel start to the last cell, the
kernel's peak resident memory, and the latency of each ``q_n.check()`` (median and p95
over 50 calls, measured inside the kernel on the solution's answers).

Run: ``make benchmark`` (or ``.venv/bin/python benchmarks/notebooks.py``).
Targets: at most 15 s and 1.0 GB per notebook on a 2-core CPU; checks at most 50 ms p95.
"""

import json
import os
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

REPO = Path(__file__).resolve().parent.parent
CALLS = 50

# Runs in the kernel after the notebook: peak RSS from the kernel itself, and each
# question's check timed through ``evaluate`` (what ``check`` does, minus the display).
PROBE = f"""
import json as _json, resource as _resource, statistics as _statistics, time as _time
_report = {{"peak_rss_mb": _resource.getrusage(_resource.RUSAGE_SELF).ru_maxrss / 1024}}
for _name in sorted(n for n in dir() if n.startswith("q_")):
    _times = []
    for _ in range({CALLS}):
        _start = _time.perf_counter()
        globals()[_name].evaluate()
        _times.append((_time.perf_counter() - _start) * 1000)
    _times.sort()
    _report[_name] = {{"median_ms": _statistics.median(_times),
                      "p95_ms": _times[int(0.95 * len(_times)) - 1]}}
print(_json.dumps(_report))
"""


def measure(path: Path) -> dict:
    notebook = nbformat.read(str(path), as_version=4)
    client = NotebookClient(notebook, timeout=300, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    start = time.perf_counter()
    with client.setup_kernel():
        for index, cell in enumerate(notebook.cells):
            client.execute_cell(cell, index)
        seconds = time.perf_counter() - start
        probe = nbformat.v4.new_code_cell(PROBE)
        notebook.cells.append(probe)
        client.execute_cell(probe, len(notebook.cells) - 1)
    report = json.loads(probe.outputs[0]["text"])
    return {"notebook": path.name, "seconds": seconds, **report}


def main() -> None:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
    results = [measure(path) for path in sorted((REPO / "solutions").glob("*.ipynb"))]
    for result in results:
        print(f"{result['notebook']}: {result['seconds']:.1f} s (kernel start to last cell), "
              f"peak RSS {result['peak_rss_mb']:.0f} MB")
        for name in sorted(k for k in result if k.startswith("q_")):
            timing = result[name]
            print(f"    {name}.check(): median {timing['median_ms']:.1f} ms, "
                  f"p95 {timing['p95_ms']:.1f} ms")
    out = REPO / "benchmarks" / "results"
    out.mkdir(exist_ok=True)
    (out / "notebooks.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
