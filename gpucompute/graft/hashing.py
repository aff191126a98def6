"""Content hashes of grafts that ignore how keys are numbered, and canonical renumbering.

Keys are arbitrary labels: two clients building the same computation with
different guid counters produce grafts that differ only in their keys. The
hash therefore digests *structure*: each reachable key gets a digest computed
from its expression, with references replaced by the digest of what they refer
to (Merkle style). References resolve lexically:

* a key of the same body or of an enclosing body -> that key's digest (wrapped
  with the number of function levels crossed when it depends on parameters);
* a parameter -> (function levels up, position), so renaming a parameter only
  matters through the function's signature;
* anything else -> the builtin of that name.

A function's digest covers its parameter names (callers may bind by keyword)
and its returned expression. Keys not reachable from ``"returns"`` do not
count. A key that refers back to itself through a function (recursion) is
hashed as a back reference to the enclosing key being digested.

The traversal is iterative, so chains of any depth are fine.
"""

from __future__ import annotations

import copy
import hashlib
import json
from typing import Any

from gpucompute.graft.syntax import RESERVED_WORDS
from gpucompute.graft.validate import validate

__all__ = ["canonicalize", "content_hash"]


_DONE = -1  # walk state of a finished key; an open key's state is its position on the DFS path


class _Scope:
    """One graft body during a walk: its entries, parameters, enclosing body and walk state."""

    __slots__ = ("body", "cache", "children", "deps", "digests", "params", "parent", "state", "uid")

    def __init__(self, body: dict, parent: _Scope | None, uid: int) -> None:
        self.body = body
        self.parent = parent
        self.params = {p: i for i, p in enumerate(body.get("parameters", ()))}
        self.uid = uid
        self.cache: dict[str, tuple] = {}
        self.state: dict[str, int] = {}
        self.deps: dict[str, list[tuple]] = {}
        self.digests: dict[str, tuple[bytes, int]] = {}
        self.children: dict[str, _Scope] = {}


def _resolve(scope: _Scope, name: str) -> tuple:
    """("p", levels, index, name) | ("k", scope, key, levels) | ("b", name); cached per scope."""
    res = scope.cache.get(name)
    if res is not None:
        return res
    levels = 0
    s: _Scope | None = scope
    while s is not None:
        index = s.params.get(name)
        if index is not None:
            res = ("p", levels, index, name)
            break
        if name in s.body and name not in RESERVED_WORDS:
            res = ("k", s, name, levels)
            break
        s = s.parent
        levels += 1
    else:
        res = ("b", name)
    scope.cache[name] = res
    return res


def _is_application(expr: Any) -> bool:
    return type(expr) is list and not (len(expr) == 1 and isinstance(expr[0], (list, dict)))


def _sha(*parts: bytes) -> bytes:
    return hashlib.sha256(b"".join(parts)).digest()


def _text(s: str) -> bytes:
    b = s.encode("utf-8", "surrogatepass")
    return len(b).to_bytes(4, "little") + b


def _int(n: int) -> bytes:
    return n.to_bytes(4, "little")


class _Walk:
    """Depth-first, post-order walk of the keys reachable from a graft's ``"returns"``.

    ``order`` lists (scope, key) with every key after the keys it depends on
    (back references excepted); each scope's ``deps[key]`` holds the resolved
    references of that key's expression and ``children[key]`` the scope of a
    function expression. With ``digest=True`` each scope's ``digests[key]``
    holds (digest, reach): reach is the number of function levels above the
    key's scope its free parameter references go (-1: none).
    """

    def __init__(self, graft: dict, digest: bool) -> None:
        self.root = _Scope(graft, None, 0)
        self.order: list[tuple[_Scope, str]] = []
        self.scopes = [self.root]
        self.free: set[str] = set()
        self._digest = digest
        self._builtin: dict[str, bytes] = {}
        self.returns = _resolve(self.root, graft["returns"])
        if self.returns[0] == "k":
            self._run()

    def _expr_deps(self, scope: _Scope, key: str) -> list[tuple]:
        expr = scope.body[key]
        cache = scope.cache
        if _is_application(expr):
            names = [a for a in expr if type(a) is str]
            if len(expr) > 1 and isinstance(expr[-1], dict):
                names.extend(expr[-1][kw] for kw in sorted(expr[-1]))
            return [cache.get(n) or _resolve(scope, n) for n in names]
        if isinstance(expr, dict):
            child = _Scope(expr, scope, len(self.scopes))
            self.scopes.append(child)
            scope.children[key] = child
            return [_resolve(child, expr["returns"])]
        return []

    def _run(self) -> None:
        stack = [(self.returns[1], self.returns[2])]
        depth = 0
        digest = self._digest
        while stack:
            scope, key = stack[-1]
            state = scope.state
            st = state.get(key)
            if st is None:
                state[key] = depth
                depth += 1
                deps = scope.deps[key] = self._expr_deps(scope, key)
                for dep in reversed(deps):
                    if dep[0] == "k":
                        if dep[2] not in dep[1].state:
                            stack.append((dep[1], dep[2]))
                    elif dep[0] == "b":
                        self.free.add(dep[1])
            elif st == _DONE:
                stack.pop()
            else:
                stack.pop()
                depth -= 1
                if digest:
                    scope.digests[key] = self._key_digest(scope, key, st)
                state[key] = _DONE
                self.order.append((scope, key))

    def ref_digest(self, res: tuple, position: int) -> tuple[bytes, int]:
        """The digest and reach of a resolved reference, seen from a key at `position` on the path."""
        kind = res[0]
        if kind == "k":
            target, tkey = res[1], res[2]
            found = target.digests.get(tkey)
            if found is None:  # still open: a back reference
                return _sha(b"back", _int(position - target.state[tkey])), 0
            if res[3] and found[1] >= 0:
                return _sha(b"up", _int(res[3]), found[0]), found[1] + res[3]
            return found
        if kind == "p":
            return _sha(b"param", _int(res[1]), _int(res[2])), res[1]
        digest = self._builtin.get(res[1])
        if digest is None:
            digest = self._builtin[res[1]] = _sha(b"builtin", _text(res[1]))
        return digest, -1

    def _key_digest(self, scope: _Scope, key: str, position: int) -> tuple[bytes, int]:
        expr = scope.body[key]
        deps = scope.deps[key]
        if deps and type(expr) is list:
            has_kwargs = isinstance(expr[-1], dict)  # expr[0] is a str, so this is the trailing dict
            parts = [b"app", _int(len(expr) - 1 - has_kwargs)]
            reach = -1
            ref_digest = self.ref_digest
            for res in deps:
                d, r = ref_digest(res, position)
                parts.append(d)
                reach = max(reach, r)
            if has_kwargs:
                parts.extend(_text(kw) for kw in sorted(expr[-1]))
            return _sha(*parts), reach
        if isinstance(expr, dict):
            return _function_digest(expr.get("parameters", []), self.ref_digest(deps[0], position))
        if type(expr) is list:
            return _sha(b"json", json.dumps(expr[0], sort_keys=True, separators=(",", ":")).encode()), -1
        return _sha(b"literal", json.dumps(expr).encode()), -1


def _function_digest(params: list, body: tuple[bytes, int]) -> tuple[bytes, int]:
    return _sha(b"fn", _int(len(params)), *(_text(p) for p in params), body[0]), max(body[1] - 1, -1)


def content_hash(graft: dict) -> str:
    """A SHA-256 hex digest of what `graft` computes, independent of its key names.

    Parameters
    ----------
    graft : dict
        A valid graft (it is validated first, without checking builtin names).

    Returns
    -------
    str
        64 hex characters. Equal for grafts that differ only in how keys are
        numbered or named, or in unreachable keys; different when a literal,
        builtin name, argument order, keyword name, parameter list or the
        shape of the computation differs.

    Raises
    ------
    GraftSyntaxError
        `graft` is not a valid graft.
    """
    validate(graft)
    walk = _Walk(graft, digest=True)
    result = walk.ref_digest(walk.returns, 0)
    if "parameters" in graft:
        result = _function_digest(graft["parameters"], result)
    return hashlib.sha256(b"gpucompute-graft-v1" + result[0]).hexdigest()


def canonicalize(graft: dict) -> dict:
    """A copy of `graft` with keys renumbered ``"1"``, ``"2"``, ... in a deterministic order.

    Keys are numbered depth-first from ``"returns"``, every key after the keys
    it uses (as the builders number them), one counter across nested functions;
    numbers equal to a parameter or builtin name are skipped. Unreachable keys
    are dropped; parameter names, builtin names and values are kept, and
    keyword-argument dicts are sorted. Grafts that differ only in key names
    canonicalize to equal dicts (if they also share the same subexpressions)
    and always have equal :func:`content_hash`.

    Raises
    ------
    GraftSyntaxError
        `graft` is not a valid graft.
    """
    validate(graft)
    walk = _Walk(graft, digest=False)
    taken = set(walk.free)
    for s in walk.scopes:
        taken.update(s.params)
    names: dict[tuple[int, str], str] = {}
    by_scope: dict[int, list[str]] = {}
    counter = 0
    for scope, key in walk.order:
        counter += 1
        while str(counter) in taken:
            counter += 1
        names[(scope.uid, key)] = str(counter)
        by_scope.setdefault(scope.uid, []).append(key)

    def name_of(res: tuple) -> str:
        if res[0] == "k":
            return names[(res[1].uid, res[2])]
        return res[3] if res[0] == "p" else res[1]

    def rebuild(scope: _Scope) -> dict:
        out: dict[str, Any] = {}
        for key in by_scope.get(scope.uid, ()):
            expr = scope.body[key]
            if isinstance(expr, dict):
                new: Any = rebuild(scope.children[key])
            elif _is_application(expr):
                refs = [name_of(r) for r in scope.deps[key]]
                npos = sum(type(a) is str for a in expr)
                new = refs[:npos]
                if len(expr) > 1 and isinstance(expr[-1], dict):
                    new.append(dict(zip(sorted(expr[-1]), refs[npos:])))
            else:
                new = copy.deepcopy(expr)
            out[names[(scope.uid, key)]] = new
        if "parameters" in scope.body:
            out["parameters"] = list(scope.body["parameters"])
        out["returns"] = name_of(_resolve(scope, scope.body["returns"]))
        return out

    return rebuild(walk.root)
