"""Helpers shared by the tests (fixtures stay in conftest.py files).

- ``paths``: where the repository, examples and test data are;
- ``cli``: the real CLI as a subprocess (``run_cli``), or its ``main()`` in this process
  (``run_cli_inprocess``) where a test checks only what a command answers;
- ``net``: a free loopback port;
- ``live_server``: a real ``otmlops serve`` on 127.0.0.1;
- ``app_server``: the same app in this process behind FastAPI's TestClient;
- ``oxigraph_server``: a real ``oxigraph serve`` for the remote store;
- ``ontology``: the bridge data read from the ontology;
- ``w3c_sparql``: the W3C SPARQL 1.1 evaluation manifests;
- ``opcua_server``, ``aas_server``: scripts run as their own processes by the live-import tests;
- ``bytecode``: otmlops' bytecode written once per session for the processes tests start.
"""
