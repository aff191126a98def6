"""The local catalog store: one SQLite database plus data and blob folders.

Layout under ``$GPUCOMPUTE_HOME`` (default ``~/.gpucompute``; the variable is read
when a catalog is opened, not at import)::

    catalog.sqlite        products, bands, images, blobs, uploads; WAL mode, foreign keys on
    data/<product>/...    image files
    blobs/..              blob contents

Every change runs in one ``BEGIN IMMEDIATE`` transaction (:meth:`Catalog.transaction`).
Each thread gets its own connection; readers never block in WAL mode.

Files and rows stay consistent through a *pending* table: before a file is
written its final path is registered there (in its own short transaction); the
row that references the file is written in the same transaction that clears the
pending entry. Deletions register the files in the same transaction that drops
the rows and unlink them after the commit. If a process dies in between, the
pending entry remains and :meth:`Catalog.clean_orphans` (run on every open)
removes the files once their writer is gone. So a row never points at a missing
or partial file; the worst case is an orphan file, which nothing reads.
"""

from __future__ import annotations

import contextlib
import getpass
import os
import shutil
import socket
import sqlite3
import threading
import time
import uuid
from pathlib import Path
from typing import Iterator

from gpucompute.errors import CatalogError

__all__ = ["Catalog", "connect", "get_catalog", "reset_catalog", "HOME_ENV", "SCHEMA_VERSION"]

HOME_ENV = "GPUCOMPUTE_HOME"
SCHEMA_VERSION = 1
#: Pending entries of a live writer on another host are removed after this many seconds.
ORPHAN_MAX_AGE_S = 24 * 3600.0


def _resolve_home(home: str | os.PathLike | None) -> Path:
    if home is None:
        home = os.environ.get(HOME_ENV) or Path.home() / ".gpucompute"
    return Path(home).expanduser().resolve()


def local_user() -> str:
    """The login of the local user (``"user"`` when it cannot be found)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "user"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class Catalog:
    """A handle on one local catalog (database + files).

    Parameters
    ----------
    home : path-like, optional
        The catalog folder; defaults to ``$GPUCOMPUTE_HOME`` or ``~/.gpucompute``.

    Attributes
    ----------
    home, db_path, data_dir, blobs_dir : pathlib.Path
        Where things are stored.
    org : str
        The organisation prefix of ids and namespaces (``"local"``).
    user : str
        The login of the local user; owners default to ``["user:<user>"]``.
    """

    org = "local"

    def __init__(self, home: str | os.PathLike | None = None) -> None:
        self.home = _resolve_home(home)
        self.db_path = self.home / "catalog.sqlite"
        self.data_dir = self.home / "data"
        self.blobs_dir = self.home / "blobs"
        self.user = local_user()
        self._local = threading.local()
        self._lock = threading.Lock()
        self._connections: list[sqlite3.Connection] = []
        for d in (self.home, self.data_dir, self.blobs_dir):
            d.mkdir(parents=True, exist_ok=True)
        self._init_schema()
        self.clean_orphans()

    # ---- connections ---------------------------------------------------------------------
    def connection(self) -> sqlite3.Connection:
        """This thread's connection (created on first use)."""
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.db_path, timeout=60.0, isolation_level=None, check_same_thread=False)
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA foreign_keys=ON")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA busy_timeout=60000")
            self._local.conn = conn
            self._local.depth = 0
            with self._lock:
                self._connections.append(conn)
        return conn

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction: committed when the block ends, rolled back if it raises.

        Nested blocks join the outer transaction.
        """
        conn = self.connection()
        if self._local.depth:
            self._local.depth += 1
            try:
                yield conn
            finally:
                self._local.depth -= 1
            return
        conn.execute("BEGIN IMMEDIATE")
        self._local.depth = 1
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        else:
            conn.execute("COMMIT")
        finally:
            self._local.depth = 0

    def query(self, sql: str, params: tuple | list = ()) -> list[sqlite3.Row]:
        """Run a read query on this thread's connection and return all rows."""
        return self.connection().execute(sql, params).fetchall()

    def close(self) -> None:
        """Close every connection this handle opened (a later use opens new ones)."""
        with self._lock:
            for conn in self._connections:
                with contextlib.suppress(sqlite3.Error):
                    conn.close()
            self._connections.clear()
            self._local = threading.local()

    # ---- schema --------------------------------------------------------------------------
    def _init_schema(self) -> None:
        from gpucompute.catalog._schema import schema_statements

        conn = self.connection()
        with self.transaction():
            conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
            row = conn.execute("SELECT version FROM schema_version").fetchone()
            if row is None:
                conn.execute("INSERT INTO schema_version (version) VALUES (?)", (SCHEMA_VERSION,))
            elif row[0] > SCHEMA_VERSION:
                raise CatalogError(
                    f"the catalog at {str(self.db_path)!r} has schema version {row[0]}, newer than this "
                    f"gpucompute understands ({SCHEMA_VERSION}); upgrade gpucompute"
                )
            for sql in schema_statements(conn):
                try:
                    conn.execute(sql)
                except sqlite3.OperationalError as exc:
                    if "rtree" in str(exc).lower():
                        raise CatalogError(
                            f"the SQLite library of this Python ({sqlite3.sqlite_version}) lacks the R*Tree "
                            "module the catalog needs; use a Python built with SQLITE_ENABLE_RTREE"
                        ) from None
                    raise

    @property
    def schema_version(self) -> int:
        """The schema version stored in the database."""
        return self.query("SELECT version FROM schema_version")[0][0]

    # ---- ids -----------------------------------------------------------------------------
    def namespace_id(self, id_: str) -> str:
        """Prefix *id_* with ``"<org>:"`` unless it already contains a colon."""
        return id_ if ":" in id_ else f"{self.org}:{id_}"

    # ---- pending files -------------------------------------------------------------------
    def relpath(self, path: Path) -> str:
        """*path* relative to the catalog folder, with forward slashes."""
        rel = Path(os.path.abspath(path)).relative_to(self.home)
        return rel.as_posix()

    def begin_files(self, paths: list[Path]) -> str:
        """Register files about to be written; returns the token that names the batch."""
        token = uuid.uuid4().hex
        with self.transaction() as conn:
            self._insert_pending(conn, token, paths)
        return token

    def _insert_pending(self, conn: sqlite3.Connection, token: str, paths: list[Path]) -> None:
        rows = [(token, self.relpath(p), os.getpid(), socket.gethostname(), time.time()) for p in paths]
        conn.executemany(
            "INSERT INTO pending_files (token, path, pid, host, created) VALUES (?, ?, ?, ?, ?)", rows
        )

    def finish_files(self, conn: sqlite3.Connection, token: str) -> None:
        """Inside the transaction that references the files: they are no longer pending."""
        conn.execute("DELETE FROM pending_files WHERE token = ?", (token,))

    def abandon_files(self, token: str) -> None:
        """Remove the files of a batch that failed, and their pending entries."""
        self._remove_batch(token)

    def schedule_removal(self, conn: sqlite3.Connection, paths: list[Path]) -> str:
        """Inside a deleting transaction: these files go once it commits (see :meth:`remove_files`)."""
        token = uuid.uuid4().hex
        self._insert_pending(conn, token, paths)
        return token

    def remove_files(self, token: str) -> None:
        """After the deleting transaction committed: unlink the files of *token*."""
        self._remove_batch(token)

    def _remove_batch(self, token: str) -> None:
        rows = self.query("SELECT path FROM pending_files WHERE token = ?", (token,))
        for row in rows:
            self._unlink(self.home / row["path"])
        with self.transaction() as conn:
            conn.execute("DELETE FROM pending_files WHERE token = ?", (token,))

    def _unlink(self, path: Path) -> None:
        path = Path(os.path.abspath(path))
        if self.home not in path.parents:
            return  # never touch anything outside the catalog
        for p in (path, path.with_name(path.name + ".part")):
            if p.is_dir() and not p.is_symlink():
                shutil.rmtree(p, ignore_errors=True)
            else:
                with contextlib.suppress(FileNotFoundError):
                    p.unlink()
        # Drop folders the removal left empty (never the data/blobs roots themselves).
        roots = {self.home, self.data_dir, self.blobs_dir}
        parent = path.parent
        while parent not in roots and self.home in parent.parents:
            try:
                parent.rmdir()
            except OSError:
                break
            parent = parent.parent

    def clean_orphans(self) -> int:
        """Remove files left by writers that died; returns how many batches were cleaned."""
        host = socket.gethostname()
        now = time.time()
        rows = self.query("SELECT DISTINCT token, pid, host, created FROM pending_files")
        dead = {
            r["token"]
            for r in rows
            if (r["host"] == host and r["pid"] != os.getpid() and not _pid_alive(r["pid"]))
            or now - r["created"] > ORPHAN_MAX_AGE_S
        }
        for token in dead:
            self._remove_batch(token)
        return len(dead)

    def __reduce__(self) -> tuple:
        # Pickles as its folder: unpickling opens the catalog there (connections are never pickled).
        return (Catalog, (str(self.home),))

    def __copy__(self) -> Catalog:
        return self

    def __deepcopy__(self, memo: dict) -> Catalog:
        return self

    def __repr__(self) -> str:
        return f"Catalog(home={str(self.home)!r})"


_default: Catalog | None = None
_default_explicit = False
_default_lock = threading.Lock()


def connect(home: str | os.PathLike | None = None) -> Catalog:
    """Open the catalog at *home* (default ``$GPUCOMPUTE_HOME``) and make it the default one.

    Returns
    -------
    Catalog
        The handle catalog objects use when no ``client=`` is given.
    """
    global _default, _default_explicit
    catalog = Catalog(home)
    with _default_lock:
        old, _default, _default_explicit = _default, catalog, True
    if old is not None and old is not catalog:
        old.close()
    return catalog


def get_catalog() -> Catalog:
    """The default catalog: the one :func:`connect` opened, else ``$GPUCOMPUTE_HOME``'s.

    Without an explicit :func:`connect`, a change of ``GPUCOMPUTE_HOME`` is noticed
    and the catalog there is opened instead.
    """
    global _default
    with _default_lock:
        if _default is not None and (_default_explicit or _default.home == _resolve_home(None)):
            return _default
        old, _default = _default, Catalog()
        if old is not None:
            old.close()
        return _default


def reset_catalog() -> None:
    """Close and forget the default catalog; the next use opens ``$GPUCOMPUTE_HOME`` again."""
    global _default, _default_explicit
    with _default_lock:
        old, _default, _default_explicit = _default, None, False
    if old is not None:
        old.close()
