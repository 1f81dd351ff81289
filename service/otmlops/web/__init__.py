"""The browser workbench of ``otmlops serve``: pages under ``/`` and ``/ui`` (routes), what
each page shows (views, built in the server's workers) and the templates that draw it (pages)."""
