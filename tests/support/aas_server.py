"""A real AAS repository for the live-import tests: the Eclipse BaSyx Python SDK's AAS API V3
server (``basyx.aas.adapter.http``, werkzeug) on 127.0.0.1, holding one AAS JSON file, run as
its own process (``python tests/support/aas_server.py PORT FILE.json``). Prints ``ready`` when it
listens."""

from __future__ import annotations

import sys
import threading

from basyx.aas.adapter import aasx
from basyx.aas.adapter.http import WSGIApp
from basyx.aas.adapter.json import read_aas_json_file
from werkzeug.serving import make_server


def main(port: int, path: str) -> None:
    with open(path, encoding="utf-8") as f:
        store = read_aas_json_file(f)
    app = WSGIApp(store, aasx.DictSupplementaryFileContainer(), base_path="/api/v3.0")
    server = make_server("127.0.0.1", port, app, threaded=True)
    threading.Timer(0, lambda: print("ready", flush=True)).start()
    server.serve_forever()


if __name__ == "__main__":
    main(int(sys.argv[1]), sys.argv[2])
