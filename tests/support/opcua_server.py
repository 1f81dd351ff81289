"""A real OPC UA server for the live-import tests: asyncua's server on 127.0.0.1, loaded with
NodeSet2 files, run as its own process (``python tests/support/opcua_server.py PORT NODESET...``).

It prints ``ready`` once the nodesets are loaded and the endpoint listens, then serves until
killed. Optional environment: OPCUA_TEST_USER / OPCUA_TEST_PASSWORD require that user.
"""

from __future__ import annotations

import asyncio
import os
import sys

from asyncua import Server
from asyncua.server.user_managers import UserManager


class _OneUser(UserManager):
    def __init__(self, user: str, password: str) -> None:
        self.user, self.password = user, password

    def get_user(self, iserver, username=None, password=None, certificate=None):  # noqa: ANN001
        if username == self.user and password == self.password:
            from asyncua.crypto.permission_rules import User, UserRole

            return User(role=UserRole.User, name=username)
        return None


async def main(port: int, nodesets: list[str]) -> None:
    user = os.environ.get("OPCUA_TEST_USER")
    server = Server(
        user_manager=_OneUser(user, os.environ.get("OPCUA_TEST_PASSWORD", "")) if user else None
    )
    await server.init()
    server.set_endpoint(f"opc.tcp://127.0.0.1:{port}/otmlops/")
    if user:
        from asyncua import ua

        server.set_security_IDs(["Username"])
        server.set_security_policy([ua.SecurityPolicyType.NoSecurity])
    for path in nodesets:
        await server.import_xml(path)
    async with server:
        print("ready", flush=True)
        while True:
            await asyncio.sleep(3600)


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]), sys.argv[2:]))
