"""Save proxies in catalog blobs and load them back (Dynamic Compute's saved objects).

A saved object is a ``dyncomp`` blob holding one JSON document::

    {"format": "gpucompute.saved/1",
     "type": {"type": "List", "params": [{"type": "Int"}]},
     "params": [{"name": "threshold", "type": {"type": "Float"}}],
     "graft": {...}}

Loading never runs code: the document is parsed as JSON, the graft is checked
with :func:`gpucompute.graft.validate` (every reference must be a key, one of
the recorded parameters or a known builtin), and type names are looked up in
:data:`PROXY_TYPES`, a registry of proxy classes by name.  Anything else is
rejected with :class:`~gpucompute.errors.GraftError` (a subclass of
``ValueError``).  Nothing is ever unpickled.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from gpucompute.errors import GraftError, NotFoundError, ParameterError, ProxyTypeError

__all__ = [
    "PROXY_TYPES",
    "decode_type",
    "delete_blob",
    "dumps_proxy",
    "encode_type",
    "loads_proxy",
    "load_from_blob",
    "print_blobs",
    "register_type",
    "save_to_blob",
    "share_blob",
]

FORMAT = "gpucompute.saved/1"
STORAGE_TYPE = "dyncomp"

#: Proxy classes that saved objects may name, by name (filled from ``gpucompute.types`` on first use).
PROXY_TYPES: dict[str, type] = {}


def register_type(cls: type, name: str | None = None) -> type:
    """Allow saved objects to name the proxy class ``cls`` (returns it, so it works as a decorator)."""
    from gpucompute.types.core import Proxytype

    if not (isinstance(cls, type) and issubclass(cls, Proxytype)):
        raise ProxyTypeError(f"register_type needs a proxy class, got {cls!r}")
    PROXY_TYPES[name or cls.__name__] = cls
    return cls


_DEFAULT_MODULES = ("gpucompute.types", "gpucompute.dc")
_defaults_loaded = False


def _registry() -> dict[str, type]:
    """:data:`PROXY_TYPES`, with the proxy classes of the Workflows and Dynamic Compute APIs added once."""
    global _defaults_loaded
    if not _defaults_loaded:
        import importlib

        from gpucompute.types.core import Proxytype

        for module_name in _DEFAULT_MODULES:
            module = importlib.import_module(module_name)
            for name in getattr(module, "__all__", ()):
                obj = getattr(module, name, None)
                if isinstance(obj, type) and issubclass(obj, Proxytype):
                    PROXY_TYPES.setdefault(obj.__name__, obj)
        _defaults_loaded = True
    return PROXY_TYPES


# ---- type descriptors -----------------------------------------------------------------------------
def encode_type(tp: Any) -> dict[str, Any]:
    """A JSON description of a proxy type (``List[Int]`` -> ``{"type": "List", "params": [{"type": "Int"}]}``)."""
    from gpucompute.types.core import GenericProxytype, Proxytype

    if isinstance(tp, type) and issubclass(tp, Proxytype):
        # a named subclass of a parametrised type (Datetime is a Struct[...]) is saved by its own name
        if issubclass(tp, GenericProxytype) and "_type_params" in vars(tp) and tp._type_params is not None:
            base = tp._generic_base()
            return {"type": base.__name__, "params": [encode_type(p) for p in tp._type_params]}
        return {"type": tp.__name__}
    if isinstance(tp, Mapping):
        return {"dict": [[str(k), encode_type(v)] for k, v in tp.items()]}
    if isinstance(tp, (list, tuple)):
        return {"list": [encode_type(p) for p in tp]}
    if tp is None or isinstance(tp, (str, int, float, bool)):
        return {"value": tp}
    raise ProxyTypeError(f"cannot save a type parameter {tp!r} of type {type(tp).__name__}")


def decode_type(desc: Any) -> Any:
    """The proxy type a descriptor from :func:`encode_type` names; only registered classes are used."""
    if not isinstance(desc, dict) or len(desc) not in (1, 2):
        raise GraftError(f"a saved type must be a small JSON object, got {desc!r:.120}")
    if set(desc) == {"value"}:
        value = desc["value"]
        if value is not None and not isinstance(value, (str, int, float, bool)):
            raise GraftError(f"a saved type parameter value must be a JSON scalar, got {value!r:.120}")
        return value
    if set(desc) == {"list"} and isinstance(desc["list"], list):
        return tuple(decode_type(d) for d in desc["list"])
    if set(desc) == {"dict"} and isinstance(desc["dict"], list):
        pairs = desc["dict"]
        if not all(isinstance(p, list) and len(p) == 2 and isinstance(p[0], str) for p in pairs):
            raise GraftError(f"a saved dict type parameter must be [[name, type], ...], got {pairs!r:.120}")
        return {k: decode_type(v) for k, v in pairs}
    name = desc.get("type")
    if not isinstance(name, str) or not set(desc) <= {"type", "params"}:
        raise GraftError(f"a saved type must look like {{'type': name, 'params': [...]}}, got {desc!r:.120}")
    registry = _registry()
    cls = registry.get(name)
    if cls is None:
        raise GraftError(f"the saved object names the unknown proxy type {name!r}; known types: "
                         f"{', '.join(sorted(registry))} (register others with register_type)")
    if "params" in desc:
        params = desc["params"]
        if not isinstance(params, list) or not params:
            raise GraftError(f"saved type {name!r}: 'params' must be a non-empty list, got {params!r:.120}")
        decoded = tuple(decode_type(p) for p in params)
        try:
            return cls[decoded if len(decoded) > 1 else decoded[0]]
        except (ProxyTypeError, TypeError) as exc:
            raise GraftError(f"saved type {name!r} cannot take the parameters {params!r:.120}: {exc}") from None
    return cls


# ---- blobs ----------------------------------------------------------------------------------------
def _refuse_session_only(graft: Mapping[str, Any], what: str) -> None:
    """Raise GraftError if ``graft`` applies a builtin marked ``session_only`` (it names an object of this process)."""
    from gpucompute.execution.program import applied_builtins

    for name, fn in applied_builtins(graft):
        if getattr(fn, "session_only", False):
            raise GraftError(
                f"cannot save this {what}: it applies {name!r}, which refers to a Python object that exists only "
                "in this session (such as a function that could not be traced into a graft); rewrite that part "
                "with proxy operations so it can be saved"
            )


def dumps_proxy(obj: Any) -> str:
    """A proxy as one JSON document (type, parameters, graft), the form in which it is saved or sent.

    Raises
    ------
    ProxyTypeError
        If ``obj`` is not a proxy.
    GraftError
        If its graft is not plain JSON, or applies a builtin that refers to an
        object of this session only.
    """
    return _document(obj)


def _document(obj: Any) -> str:
    from gpucompute.graft import dumps
    from gpucompute.types.core import Proxytype

    if not isinstance(obj, Proxytype):
        raise ProxyTypeError(f"save_to_blob saves proxy objects (wf.Int, wf.Array, ...), got {type(obj).__name__}")
    _refuse_session_only(obj.graft, type(obj).__name__)
    try:
        graft_text = dumps(obj.graft)
    except (GraftError, TypeError, ValueError) as exc:
        raise GraftError(f"cannot save this {type(obj).__name__}: its graft is not plain JSON ({exc})") from None
    params = [{"name": p._param_name, "type": encode_type(type(p))} for p in obj.params]
    head = json.dumps({"format": FORMAT, "type": encode_type(type(obj)), "params": params})
    return head[:-1] + ', "graft": ' + graft_text + "}"


def save_to_blob(obj: Any, name: str, description: str | None = None,
                 extra_properties: Mapping[str, Any] | None = None, *, namespace: str | None = None,
                 tags: Iterable[str] | None = None) -> str:
    """Save the proxy ``obj`` (its graft, type and parameters, as JSON) in a new ``dyncomp`` blob.

    Parameters
    ----------
    obj : Proxytype
        What to save.
    name : str
        The blob's name ('/' makes folders).
    description : str, optional
        Free text stored on the blob.
    extra_properties : dict, optional
        User metadata (JSON) stored on the blob.
    namespace : str, optional
        The blob's namespace (default: yours).
    tags : iterable of str, optional
        Labels to search by.

    Returns
    -------
    str
        The blob's id, ``"dyncomp/<namespace>/<name>"``; pass it to :func:`load_from_blob`.

    Raises
    ------
    ProxyTypeError
        If ``obj`` is not a proxy.
    GraftError
        If its graft cannot be written as JSON (e.g. NaN in a literal).
    ConflictError
        If a blob of that name exists (delete it first).
    """
    from gpucompute.catalog.blob import Blob

    text = _document(obj)
    blob = Blob(name=name, namespace=namespace, storage_type=STORAGE_TYPE, description=description,
                extra_properties=dict(extra_properties or {}), tags=list(tags or []))
    blob.upload_data(text)
    return blob.id


def _get_blob(name_or_id: str) -> Any:
    from gpucompute.catalog.blob import Blob

    if not isinstance(name_or_id, str) or not name_or_id:
        raise NotFoundError(f"expected a saved object's blob id or name, got {name_or_id!r}")
    blob = None
    if name_or_id.startswith(STORAGE_TYPE + "/") and name_or_id.count("/") >= 2:
        blob = Blob.get(name_or_id)
    if blob is None:
        blob = Blob.get(name=name_or_id, storage_type=STORAGE_TYPE)
    if blob is None:
        raise NotFoundError(f"no saved object (dyncomp blob) with id or name {name_or_id!r}; see print_blobs()")
    return blob


def load_from_blob(name_or_id: str) -> Any:
    """Rebuild the proxy saved in a blob, by id (``"dyncomp/<ns>/<name>"``) or by name in your namespace.

    Only JSON is read and no code runs: unknown type names, references to
    unknown builtins and malformed documents are rejected.

    Raises
    ------
    NotFoundError
        If there is no such blob.
    GraftError
        If the blob's contents are not a valid saved object.
    """
    blob = _get_blob(name_or_id)
    return loads_proxy(blob.data(), source=f"blob {blob.id!r}")


def loads_proxy(text: str | bytes, *, source: str = "the document") -> Any:
    """Rebuild a proxy from a document made by :func:`dumps_proxy`; only JSON is read, no code runs.

    Parameters
    ----------
    text
        The JSON document.
    source
        How to name where the document came from in error messages.

    Raises
    ------
    GraftError
        If the document is not JSON of the saved-object format, names an unknown
        type, or its graft refers to unknown names.
    """
    from gpucompute.execution.program import load_builtins
    from gpucompute.graft import fresh_keys, validate
    from gpucompute.types.function import Function

    try:
        doc = json.loads(text.decode("utf-8") if isinstance(text, bytes) else text, parse_constant=_refuse_constant)
    except (UnicodeDecodeError, ValueError, TypeError) as exc:
        raise GraftError(f"{source} does not hold a saved object (not JSON: {exc})") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT or set(doc) != {"format", "type", "params", "graft"}:
        raise GraftError(f"{source} does not hold a saved object of format {FORMAT!r}")
    cls = decode_type(doc["type"])
    params = _decode_params(doc["params"], source)
    names = {p._param_name for p in params}
    graft = doc["graft"]
    validate(graft, _Names(load_builtins(), names))
    # a function graft is its own scope; a value graft gets keys of this process, keeping its shape (and hash)
    is_function = isinstance(graft, dict) and "parameters" in graft and issubclass(cls, Function)
    return cls._from_graft(graft if is_function else fresh_keys(graft), params)


class _Names:
    """Builtin names plus parameter names, for :func:`validate`'s reference check."""

    def __init__(self, builtins: Any, names: set[str]) -> None:
        self.builtins, self.names = builtins, names

    def __contains__(self, name: object) -> bool:
        return name in self.names or name in self.builtins


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def _decode_params(raw: Any, source: str) -> tuple[Any, ...]:
    if not isinstance(raw, list):
        raise GraftError(f"{source}: 'params' must be a list, got {raw!r:.120}")
    params = []
    for item in raw:
        if not isinstance(item, dict) or set(item) != {"name", "type"} or not isinstance(item["name"], str):
            raise GraftError(f"{source}: each parameter must be {{'name': str, 'type': ...}}, got {item!r:.120}")
        cls = decode_type(item["type"])
        try:
            params.append(cls._as_param(item["name"]))
        except (ParameterError, ProxyTypeError) as exc:
            raise GraftError(f"{source}: bad parameter {item['name']!r}: {exc}") from None
    return tuple(params)


def print_blobs(namespace: str | None = None) -> list[Any]:
    """Print (and return) the saved objects in ``namespace`` (default: yours): id, type and description."""
    from gpucompute.catalog.blob import Blob, full_namespace
    from gpucompute.catalog.properties import properties as p

    ns = full_namespace(namespace)
    blobs = [b for b in Blob.search().filter(p.namespace == ns) if b.storage_type == STORAGE_TYPE]
    for blob in blobs:
        print(f"{blob.id}  {blob.description or ''}".rstrip())
    return blobs


def share_blob(name_or_id: str, with_: str | Iterable[str], as_writers: bool = False) -> Any:
    """Add principals (``"user:..."``, ``"group:..."``, ``"org:..."``) as readers (or writers) of a saved object."""
    blob = _get_blob(name_or_id)
    who = [with_] if isinstance(with_, str) else list(with_)
    field = "writers" if as_writers else "readers"
    current = list(getattr(blob, field) or [])
    setattr(blob, field, current + [w for w in who if w not in current])
    blob.save()
    return blob


def delete_blob(name_or_id: str) -> None:
    """Delete a saved object's blob."""
    _get_blob(name_or_id).delete()
