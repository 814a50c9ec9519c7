"""ExecKit execution wrapper: runs one saved piece of user code and records what happened.

Three ways in, one behaviour:

* as a script::

      python3 wrapper.py --code attempts/01/code.py --folder <execution folder> \
          --attempt-folder attempts/01 [--read-only] [--memory-limit-mb 512]

* as a spare (local mode): started before there is a job, it waits on an inherited pipe for one JSON line with
  the same settings, so a run does not wait for the interpreter to start (see ``_serve``)::

      python3 wrapper.py --serve-fd 3

* from a Jupyter kernel (the same file, exec'd into a private namespace)::

      ns = {"__name__": "execkit_wrapper"}
      exec(compile(open(WRAPPER).read(), WRAPPER, "exec"), ns)
      ns["run_wrapped"](code_path=..., folder=..., attempt_folder=...)

The user code is compiled from its file exactly as written (so ``from __future__`` imports and multi-line strings
are untouched, and tracebacks point at the user's own line numbers), and executed with the execution folder as the
working directory and ``context`` loaded from ``context.json``.

Files written:

* ``<attempt>/execution_metadata.json``: first with ``phase: "running"`` (so a hard crash is told apart from a
  wrapper that never started), then the final record;
* ``<attempt>/stdout.txt`` and ``<attempt>/stderr.txt``: what the user code printed;
* ``<folder>/results.json``: the ``results`` variable, converted to JSON (success only);
* ``<folder>/figures/figure_NN.png``: every matplotlib figure left open.

The wrapper itself never prints: everything it has to say goes into the metadata, so stdout is the user's alone.
Only the standard library is imported up front; numpy, pandas and matplotlib are looked at only when the user code
imported them, which keeps the start-up cost close to a bare interpreter.
"""

# Only cheap modules at the top: this script's start-up time is part of every local run. Everything else is
# imported where it is needed, or looked up in sys.modules (a numpy value can only exist if numpy was imported).
import builtins
import enum
import io
import json
import os
import sys
import time

METADATA_FILE = "execution_metadata.json"
RESULTS_FILE = "results.json"
FIGURES_DIR = "figures"
FIGURE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".svg")
READ_ONLY_MARKER = "read-only execution mode"
DEFAULT_MAX_OUTPUT_CHARS = 10 * 1024 * 1024
MAX_SAFE_INTEGER = 2**53
MAX_DEPTH = 100
SCHEMA_VERSION = 1


# --------------------------------------------------------------------------------------------------------------
# context


class ContextData(dict):
    """``context.json`` as a dict that also allows attribute access (``context.archiver.pv_data``)."""

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(
                "context has no key %r (available: %s)" % (name, ", ".join(sorted(map(str, self))) or "none")
            ) from None

    def __setattr__(self, name, value):
        self[name] = value

    def __delattr__(self, name):
        try:
            del self[name]
        except KeyError:
            raise AttributeError(name) from None


def _to_context(value):
    if isinstance(value, dict):
        return ContextData((k, _to_context(v)) for k, v in value.items())
    if isinstance(value, list):
        return [_to_context(v) for v in value]
    return value


def load_context(folder):
    """Reads ``<folder>/context.json``; a missing or empty file is an empty context."""
    path = os.path.join(folder, "context.json")
    if not os.path.exists(path):
        return ContextData()
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    if not text.strip():
        return ContextData()
    data = json.loads(text)
    return _to_context(data) if isinstance(data, dict) else data


# --------------------------------------------------------------------------------------------------------------
# output capture


class _Tee(io.TextIOBase):
    """Writes to the real stream (flushed per line, so the parent sees output live) and keeps a bounded copy."""

    def __init__(self, target, limit):
        super().__init__()
        self._target = target
        self._limit = limit
        self._parts = []
        self._size = 0
        self.truncated = False

    @property
    def encoding(self):
        return getattr(self._target, "encoding", "utf-8")

    @property
    def errors(self):
        return getattr(self._target, "errors", "strict")

    def writable(self):
        return True

    def isatty(self):
        return False

    def fileno(self):
        # Code that writes to the file descriptor directly (faulthandler, C extensions) still reaches the pipe.
        return self._target.fileno()

    def write(self, text):
        if not isinstance(text, str):
            raise TypeError("write() argument must be str, not %s" % type(text).__name__)
        if self._target is not None:
            try:
                self._target.write(text)
                # Line-buffered: whole lines (and \r progress updates) reach the parent at once, without one
                # flush per fragment of a print() call.
                if "\n" in text or "\r" in text:
                    self._target.flush()
            except (OSError, ValueError):
                pass
        room = self._limit - self._size
        if room > 0:
            piece = text if len(text) <= room else text[:room]
            self._parts.append(piece)
            self._size += len(piece)
        if len(text) > room:
            self.truncated = True
        return len(text)

    def flush(self):
        if self._target is not None:
            try:
                self._target.flush()
            except (OSError, ValueError):
                pass

    def getvalue(self):
        return "".join(self._parts)


# --------------------------------------------------------------------------------------------------------------
# read-only guard

# (module, dotted attribute) pairs that change the outside world. Entries for libraries that are not installed are
# simply never reached. Classes are patched on the class, so instances created earlier are covered too.
_GUARD_TARGETS = (
    ("subprocess", "Popen.__init__"),
    ("subprocess", "run"),
    ("subprocess", "call"),
    ("subprocess", "check_call"),
    ("subprocess", "check_output"),
    ("subprocess", "getoutput"),
    ("subprocess", "getstatusoutput"),
    ("_posixsubprocess", "fork_exec"),
    ("os", "system"),
    ("os", "popen"),
    ("os", "execl"),
    ("os", "execle"),
    ("os", "execlp"),
    ("os", "execlpe"),
    ("os", "execv"),
    ("os", "execve"),
    ("os", "execvp"),
    ("os", "execvpe"),
    ("os", "spawnl"),
    ("os", "spawnle"),
    ("os", "spawnlp"),
    ("os", "spawnlpe"),
    ("os", "spawnv"),
    ("os", "spawnve"),
    ("os", "spawnvp"),
    ("os", "spawnvpe"),
    ("os", "posix_spawn"),
    ("os", "posix_spawnp"),
    ("posix", "system"),
    ("posix", "execv"),
    ("posix", "execve"),
    ("posix", "posix_spawn"),
    ("posix", "posix_spawnp"),
    ("pty", "spawn"),
    ("ctypes", "CDLL.__init__"),
    ("epics", "caput"),
    ("epics", "caput_many"),
    ("epics", "PV.put"),
    ("epics.pv", "PV.put"),
    ("epics.ca", "put"),
    ("epics.ca", "put_complete"),
    ("p4p.client.thread", "Context.put"),
    ("p4p.client.thread", "Context.rpc"),
    ("p4p.client.asyncio", "Context.put"),
    ("p4p.client.asyncio", "Context.rpc"),
    ("p4p.client.cothread", "Context.put"),
    ("p4p.client.cothread", "Context.rpc"),
    ("p4p.server.raw", "SharedPV.post"),
    ("p4p.server.raw", "SharedPV.open"),
    ("p4p.server.thread", "SharedPV.post"),
    ("p4p.server.asyncio", "SharedPV.post"),
    ("caproto.sync.client", "write"),
    ("caproto.threading.client", "PV.write"),
    ("caproto.threading.pyepics_compat", "PV.put"),
    ("caproto.threading.pyepics_compat", "caput"),
    ("caproto.asyncio.client", "PV.write"),
    ("pvaccess", "Channel.put"),
    ("pvaccess", "Channel.putInt"),
    ("pvaccess", "Channel.putFloat"),
    ("pvaccess", "Channel.putDouble"),
    ("pvaccess", "Channel.putString"),
    ("pvaccess", "Channel.putScalarArray"),
    ("tango", "DeviceProxy.write_attribute"),
    ("tango", "DeviceProxy.write_attributes"),
    ("tango", "DeviceProxy.write_attribute_asynch"),
    ("tango", "DeviceProxy.write_read_attribute"),
    ("tango", "DeviceProxy.command_inout"),
    ("tango", "DeviceProxy.command_inout_asynch"),
    ("PyTango", "DeviceProxy.write_attribute"),
    ("PyTango", "DeviceProxy.write_attributes"),
    ("PyTango", "DeviceProxy.command_inout"),
)


class ReadOnlyGuard:
    """Makes control-system writes and process spawning raise ``PermissionError`` while installed.

    A tripwire, not a sandbox: it stops generated code from doing these things by accident or through the usual
    APIs (aliases included, since the functions themselves are replaced), and every refusal is recorded in the
    metadata. Real isolation comes from the environment (kernel, container, EPICS gateway).
    """

    def __init__(self):
        self.refusals = []
        self._saved = []  # (owner, attribute name, original value, had attribute)
        self._patched = set()
        self._finder = None
        self._modules_before = set()

    def _refuser(self, label, original):
        guard = self

        def refuse(*args, **kwargs):
            guard.refusals.append(label)
            raise PermissionError(
                "%s is blocked: this code runs in %s (control-system writes, subprocesses and shell commands "
                "are disabled). Use read operations only, or ask for write access if the task needs it."
                % (label, READ_ONLY_MARKER)
            )

        refuse.__name__ = getattr(original, "__name__", "refused")
        refuse.__qualname__ = getattr(original, "__qualname__", refuse.__name__)
        refuse.__doc__ = "Blocked in %s." % READ_ONLY_MARKER
        refuse.__execkit_refuser__ = True
        return refuse

    def _patch(self, module_name, dotted):
        key = (module_name, dotted)
        module = sys.modules.get(module_name)
        if module is None or key in self._patched:
            return
        owner = module
        parts = dotted.split(".")
        for part in parts[:-1]:
            owner = getattr(owner, part, None)
            if owner is None:
                return
        name = parts[-1]
        original = getattr(owner, name, None)
        if original is None or getattr(original, "__execkit_refuser__", False):
            return
        label = "%s.%s" % (module_name, dotted.replace(".__init__", ""))
        try:
            setattr(owner, name, self._refuser(label, original))
        except (AttributeError, TypeError):
            return  # immutable extension type: nothing we can patch here
        self._saved.append((owner, name, original))
        self._patched.add(key)

    def patch_loaded(self):
        for module_name, dotted in _GUARD_TARGETS:
            self._patch(module_name, dotted)

    def install(self):
        self._modules_before = set(sys.modules)
        self.patch_loaded()
        guard = self

        class _PostImportFinder:
            """Patches guarded modules right after they are imported for the first time."""

            targets = {m for m, _ in _GUARD_TARGETS}

            def find_spec(self, fullname, path=None, target=None):
                if fullname not in self.targets:
                    return None
                for finder in sys.meta_path:
                    if finder is self or not hasattr(finder, "find_spec"):
                        continue
                    spec = finder.find_spec(fullname, path, target)
                    if spec is None:
                        continue
                    loader = spec.loader
                    if loader is not None and hasattr(loader, "exec_module"):
                        original_exec = loader.exec_module

                        class _Loader:
                            def create_module(self, spec):
                                return loader.create_module(spec) if hasattr(loader, "create_module") else None

                            def exec_module(self, module):
                                original_exec(module)
                                for module_name, dotted in _GUARD_TARGETS:
                                    if module_name == fullname:
                                        guard._patch(module_name, dotted)

                        spec.loader = _Loader()
                    return spec
                return None

        self._finder = _PostImportFinder()
        sys.meta_path.insert(0, self._finder)

    def uninstall(self):
        if self._finder is not None and self._finder in sys.meta_path:
            sys.meta_path.remove(self._finder)
        originals = {}
        for owner, name, original in reversed(self._saved):
            originals[id(getattr(owner, name, None))] = original
            try:
                setattr(owner, name, original)
            except (AttributeError, TypeError):
                pass
        # A module imported while the guard was on may have bound a refuser under its own name
        # (`from _posixsubprocess import fork_exec as _fork_exec` in subprocess); give it the real function back,
        # so a later write-access run in the same interpreter (a reused kernel) is not refused.
        for module_name in set(sys.modules) - self._modules_before:
            namespace = getattr(sys.modules.get(module_name), "__dict__", None)
            if not namespace:
                continue
            for name, value in list(namespace.items()):
                if getattr(value, "__execkit_refuser__", False) and id(value) in originals:
                    namespace[name] = originals[id(value)]
        self._saved.clear()
        self._patched.clear()


# --------------------------------------------------------------------------------------------------------------
# results serialization


class _Serializer:
    """Turns ``results`` into plain JSON values. Never raises: what it cannot convert is stored as ``repr`` and
    a warning names where. NaN and Infinity stay floats (Python's JSON tokens; the reader tolerates them)."""

    def __init__(self):
        self.warnings = []
        self._active = set()

    def warn(self, path, text):
        self.warnings.append("%s: %s" % (path, text))

    def convert(self, value, path="results", depth=0):
        if value is None or isinstance(value, (bool, str)):
            return value
        if isinstance(value, int):
            if abs(value) > MAX_SAFE_INTEGER:
                self.warn(path, "integer %d is beyond 2**53; JavaScript reads it approximately" % value)
            return int(value)
        if isinstance(value, float):
            return float(value)
        if depth > MAX_DEPTH:
            self.warn(path, "nested deeper than %d levels; stored as repr" % MAX_DEPTH)
            return self._repr(value)
        marker = id(value)
        if marker in self._active:
            self.warn(path, "refers back to itself; the cycle is stored as repr")
            return "<cycle: %s>" % type(value).__name__
        self._active.add(marker)
        try:
            return self._convert_container(value, path, depth)
        finally:
            self._active.discard(marker)

    def _repr(self, value):
        try:
            return repr(value)
        except Exception as error:  # a broken __repr__ must not lose the other results
            return "<%s object (repr failed: %s)>" % (type(value).__name__, error)

    def _key(self, key, path):
        if isinstance(key, str):
            return key
        if key is None or isinstance(key, (bool, int, float)):
            return json.dumps(key)  # the same spelling Python's json module uses for such keys
        text = self._convert_scalar_key(key)
        if text is None:
            text = str(key)
            self.warn(path, "key %s of type %s stored as str" % (self._repr(key), type(key).__name__))
        return text

    def _convert_scalar_key(self, key):
        if _is_instance(key, "datetime", ("datetime", "date", "time")):
            return key.isoformat()
        if isinstance(key, os.PathLike):
            return os.fspath(key)
        if _is_instance(key, "uuid", ("UUID",)) or _is_instance(key, "decimal", ("Decimal",)):
            return str(key)
        if isinstance(key, enum.Enum):
            return str(key.value)
        module = type(key).__module__ or ""
        if module.startswith("numpy") and hasattr(key, "item"):
            return self._key(key.item(), "")
        if module.startswith("pandas") and hasattr(key, "isoformat"):
            return key.isoformat()
        return None

    def _convert_container(self, value, path, depth):
        if isinstance(value, dict):
            out = {}
            for key, item in value.items():
                name = self._key(key, path)
                if name in out:
                    self.warn(path, "two keys map to %r; the later one wins" % name)
                out[name] = self.convert(item, "%s[%r]" % (path, name), depth + 1)
            return out
        if isinstance(value, tuple) and hasattr(value, "_asdict"):
            return self.convert(dict(value._asdict()), path, depth + 1)
        if isinstance(value, (list, tuple, range)):
            return [self.convert(item, "%s[%d]" % (path, i), depth + 1) for i, item in enumerate(value)]
        if isinstance(value, (set, frozenset)):
            items = list(value)
            try:
                items.sort()
            except TypeError:
                pass
            return [self.convert(item, "%s[%d]" % (path, i), depth + 1) for i, item in enumerate(items)]
        pandas = sys.modules.get("pandas")
        # NaT is a datetime subclass whose isoformat() is "NaT"; missing values are null, as in pandas' own JSON.
        if pandas is not None and (value is pandas.NaT or value is getattr(pandas, "NA", None)):
            return None
        if _is_instance(value, "datetime", ("datetime", "date", "time")):
            return value.isoformat()
        if _is_instance(value, "datetime", ("timedelta",)):
            return {"_type": "timedelta", "seconds": value.total_seconds()}
        if isinstance(value, complex):
            return {"_type": "complex", "real": value.real, "imag": value.imag}
        if isinstance(value, (bytes, bytearray, memoryview)):
            import base64

            return {"_type": "bytes", "base64": base64.b64encode(bytes(value)).decode("ascii")}
        if isinstance(value, os.PathLike):
            return os.fspath(value)
        if _is_instance(value, "uuid", ("UUID",)) or _is_instance(value, "decimal", ("Decimal",)):
            return str(value)
        if _is_instance(value, "fractions", ("Fraction",)):
            return float(value)
        if isinstance(value, enum.Enum):
            return self.convert(value.value, path, depth + 1)
        dataclasses = sys.modules.get("dataclasses")
        if dataclasses is not None and dataclasses.is_dataclass(value) and not isinstance(value, type):
            fields = {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
            return self.convert(fields, path, depth + 1)
        module = type(value).__module__ or ""
        if module.startswith("numpy"):
            converted = self._numpy(value, path, depth)
            if converted is not _UNCONVERTED:
                return converted
        if module.startswith("pandas"):
            converted = self._pandas(value, path, depth)
            if converted is not _UNCONVERTED:
                return converted
        if module.startswith("matplotlib") and hasattr(value, "savefig"):
            return {"_type": "matplotlib.Figure", "note": "figures are saved as images, see figure_paths"}
        self.warn(path, "value of type %s.%s is not JSON-serializable; stored as repr" % (module, type(value).__name__))
        return self._repr(value)

    def _numpy(self, value, path, depth):
        numpy = sys.modules.get("numpy")
        if numpy is None:
            return _UNCONVERTED
        if isinstance(value, numpy.ndarray):
            return self.convert(value.tolist(), path, depth + 1)
        if isinstance(value, numpy.datetime64):
            if numpy.isnat(value):
                return None
            return str(numpy.datetime_as_string(value))
        if isinstance(value, numpy.timedelta64):
            if numpy.isnat(value):
                return None
            return {"_type": "timedelta", "seconds": float(value / numpy.timedelta64(1, "s"))}
        if isinstance(value, numpy.generic):
            return self.convert(value.item(), path, depth + 1)
        return _UNCONVERTED

    def _pandas(self, value, path, depth):
        pandas = sys.modules.get("pandas")
        if pandas is None:
            return _UNCONVERTED
        if isinstance(value, pandas.DataFrame):
            frame = value
            return {
                "_type": "pandas.DataFrame",
                "columns": [self.convert(c, "%s.columns" % path, depth + 1) for c in frame.columns],
                "index": self.convert(list(frame.index), "%s.index" % path, depth + 1),
                "data": [
                    [self._cell(cell, "%s.data[%d]" % (path, i), depth) for cell in row]
                    for i, row in enumerate(frame.itertuples(index=False, name=None))
                ],
                "dtypes": {str(c): str(t) for c, t in frame.dtypes.items()},
            }
        if isinstance(value, pandas.Series):
            return {
                "_type": "pandas.Series",
                "name": self.convert(value.name, "%s.name" % path, depth + 1),
                "index": self.convert(list(value.index), "%s.index" % path, depth + 1),
                "data": [self._cell(cell, "%s.data" % path, depth) for cell in value.tolist()],
                "dtype": str(value.dtype),
            }
        if isinstance(value, pandas.Index):
            return self.convert(list(value), path, depth + 1)
        if value is pandas.NaT or (hasattr(pandas, "NA") and value is pandas.NA):
            return None
        if isinstance(value, pandas.Timestamp):
            return value.isoformat()
        if isinstance(value, pandas.Timedelta):
            return {"_type": "timedelta", "seconds": value.total_seconds()}
        if isinstance(value, pandas.Period):
            return str(value)
        return _UNCONVERTED

    def _cell(self, cell, path, depth):
        pandas = sys.modules.get("pandas")
        if pandas is not None and (cell is pandas.NaT or (hasattr(pandas, "NA") and cell is pandas.NA)):
            return None
        return self.convert(cell, path, depth + 1)


_UNCONVERTED = object()


def _is_instance(value, module_name, class_names):
    """isinstance against classes of a module, without importing it: if it was never imported, no instance exists."""
    module = sys.modules.get(module_name)
    if module is None:
        return False
    classes = tuple(getattr(module, name) for name in class_names if hasattr(module, name))
    return bool(classes) and isinstance(value, classes)


def serialize_results(value):
    """Returns ``(json_text, warnings)`` for a ``results`` value."""
    serializer = _Serializer()
    converted = serializer.convert(value)
    text = json.dumps(converted, ensure_ascii=False, allow_nan=True, separators=(",", ":"))
    return text, serializer.warnings


# --------------------------------------------------------------------------------------------------------------
# figures


def _snapshot_figures(folder):
    """Image files in the folder and its immediate subfolders (not attempts/), with their modification times."""
    found = {}
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return found
    for entry in entries:
        try:
            if entry.is_file() and entry.name.lower().endswith(FIGURE_EXTENSIONS):
                found[entry.path] = entry.stat().st_mtime_ns
            elif entry.is_dir() and entry.name != "attempts":
                for sub in os.scandir(entry.path):
                    if sub.is_file() and sub.name.lower().endswith(FIGURE_EXTENSIONS):
                        found[sub.path] = sub.stat().st_mtime_ns
        except OSError:
            continue
    return found


def _save_open_figures(folder, errors):
    """Saves every open matplotlib figure as figures/figure_NN.png, then closes them (a kernel is reused)."""
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is None:
        return []
    saved = []
    numbers = list(pyplot.get_fignums())
    if not numbers:
        return saved
    target = os.path.join(folder, FIGURES_DIR)
    os.makedirs(target, exist_ok=True)
    for index, number in enumerate(numbers, start=1):
        path = os.path.join(target, "figure_%02d.png" % index)
        try:
            pyplot.figure(number).savefig(path, dpi=100, bbox_inches="tight", facecolor="white")
            saved.append(path)
        except Exception as error:
            errors.append("figure %d could not be saved: %s: %s" % (number, type(error).__name__, error))
    try:
        pyplot.close("all")
    except Exception:
        pass
    return saved


def _clear_auto_figures(folder):
    """Removes figure_NN.png files of an earlier attempt, so they are not mistaken for this attempt's."""
    target = os.path.join(folder, FIGURES_DIR)
    try:
        names = os.listdir(target)
    except OSError:
        return
    for name in names:
        if name.startswith("figure_") and name.endswith(".png") and name[7:-4].isdigit():
            try:
                os.remove(os.path.join(target, name))
            except OSError:
                pass


# --------------------------------------------------------------------------------------------------------------
# tracebacks


def _user_traceback(error, code_path):
    """The traceback from the first frame of the user's file on, so the wrapper's own frames are not shown."""
    import traceback

    tb = error.__traceback__
    while tb is not None and tb.tb_frame.f_code.co_filename != code_path:
        tb = tb.tb_next
    if isinstance(error, SyntaxError) and tb is None:
        lines = ["Traceback (most recent call last):\n"] + traceback.format_exception_only(type(error), error)
        return "".join(lines)
    return "".join(traceback.format_exception(type(error), error, tb))


def _error_line(error, code_path):
    if isinstance(error, SyntaxError) and error.filename == code_path:
        return error.lineno
    line = None
    tb = error.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == code_path:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


# --------------------------------------------------------------------------------------------------------------
# files


def _write_text(path, text, atomic=False):
    # Files are read only after the run, so plain writes do; the final metadata is written atomically because
    # its presence and completeness is how a reader tells "finished" from "died while writing".
    target = "%s.%d.tmp" % (path, os.getpid()) if atomic else path
    with open(target, "w", encoding="utf-8", errors="backslashreplace") as handle:
        handle.write(text)
    if atomic:
        os.replace(target, path)


def _write_metadata(path, metadata, atomic=True):
    _write_text(path, json.dumps(metadata, ensure_ascii=False, allow_nan=True, indent=2, default=repr), atomic)


def _now_iso():
    now = time.time()
    return "%s.%06d+00:00" % (time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(now)), int(now % 1 * 1_000_000))


# --------------------------------------------------------------------------------------------------------------
# the run


def run_wrapped(
    code_path,
    folder,
    attempt_folder=None,
    read_only=False,
    memory_limit_mb=None,
    max_output_chars=DEFAULT_MAX_OUTPUT_CHARS,
    execution_mode=None,
    output_files=True,
):
    """Runs the code in ``code_path`` with ``folder`` as working directory and returns the metadata dict.

    Never raises for errors in the user code (they are recorded in the metadata); re-raises ``KeyboardInterrupt``
    after recording it, so a kernel interrupt still ends the cell. ``output_files=False`` skips ``stdout.txt`` and
    ``stderr.txt``, for a caller that records the process's pipes itself (the local runner).
    """
    code_path = os.path.abspath(code_path)
    folder = os.path.abspath(folder)
    attempt_folder = os.path.abspath(attempt_folder) if attempt_folder else os.path.dirname(code_path)
    os.makedirs(attempt_folder, exist_ok=True)
    metadata_path = os.path.join(attempt_folder, METADATA_FILE)
    results_path = os.path.join(folder, RESULTS_FILE)

    metadata = {
        "schema_version": SCHEMA_VERSION,
        "phase": "setup",
        "success": False,
        "error_type": None,
        "error": None,
        "error_line": None,
        "traceback": None,
        "exit_status": None,
        "start_time": _now_iso(),
        "end_time": None,
        "execution_time_seconds": None,
        "python_version": sys.version.split()[0],
        "execution_mode": execution_mode or ("read_only" if read_only else "write_access"),
        "read_only_guard": bool(read_only),
        "guard_refusals": [],
        "memory_limit_mb": memory_limit_mb,
        "results_saved": False,
        "results_type": None,
        "results_save_error": None,
        "figures": [],
        "user_figures": [],
        "figure_errors": [],
        "warnings": [],
        "stdout_truncated": False,
        "stderr_truncated": False,
        "code_path": code_path,
        "folder": folder,
    }

    previous_cwd = os.getcwd()
    previous_argv = sys.argv
    previous_path0 = list(sys.path)
    old_stdout, old_stderr = sys.stdout, sys.stderr
    guard = None
    previous_limit = None

    try:
        os.chdir(folder)
        # A results.json or figure left by an earlier attempt must not pass for this attempt's.
        if os.path.exists(results_path):
            os.remove(results_path)
        _clear_auto_figures(folder)
        before_figures = _snapshot_figures(folder)
        os.environ.setdefault("MPLBACKEND", "Agg")

        try:
            context = load_context(folder)
        except Exception as error:
            metadata["phase"] = "finished"
            metadata["error_type"] = "ContextLoadError"
            metadata["error"] = "context.json in %s could not be loaded: %s: %s" % (folder, type(error).__name__, error)
            metadata["end_time"] = _now_iso()
            _write_metadata(metadata_path, metadata)
            return metadata

        with open(code_path, "rb") as handle:
            source = handle.read()

        user_globals = {
            "__name__": "__main__",
            "__file__": code_path,
            "__builtins__": builtins,
            "__doc__": None,
            "context": context,
        }
        sys.argv = [code_path]
        if folder not in sys.path:
            sys.path.insert(0, folder)

        if memory_limit_mb:
            previous_limit = _apply_memory_limit(int(memory_limit_mb))
        if read_only:
            guard = ReadOnlyGuard()
            guard.install()

        metadata["phase"] = "running"
        _write_metadata(metadata_path, metadata, atomic=False)

        out = _Tee(old_stdout, max_output_chars)
        err = _Tee(old_stderr, max_output_chars)
        sys.stdout, sys.stderr = out, err
        started = time.perf_counter()
        try:
            # dont_inherit: the wrapper's own compiler flags must not leak into the user code.
            compiled = compile(source, code_path, "exec", dont_inherit=True)
            exec(compiled, user_globals)
            metadata["success"] = True
        except SystemExit as error:
            status = error.code
            metadata["exit_status"] = status if isinstance(status, int) or status is None else str(status)
            if status is None or status == 0:
                metadata["success"] = True
            else:
                metadata["error_type"] = "SystemExit"
                metadata["error"] = "the code called sys.exit(%r)" % (status,)
                metadata["traceback"] = _user_traceback(error, code_path)
                metadata["error_line"] = _error_line(error, code_path)
        except KeyboardInterrupt as error:
            metadata["error_type"] = "KeyboardInterrupt"
            metadata["error"] = "the code was interrupted"
            metadata["traceback"] = _user_traceback(error, code_path)
            metadata["error_line"] = _error_line(error, code_path)
            raise
        except BaseException as error:
            metadata["error_type"] = type(error).__name__
            metadata["error"] = str(error)
            metadata["traceback"] = _user_traceback(error, code_path)
            metadata["error_line"] = _error_line(error, code_path)
            try:
                err.write(metadata["traceback"])
            except Exception:
                pass
        finally:
            metadata["execution_time_seconds"] = time.perf_counter() - started
            out.flush()
            err.flush()
            sys.stdout, sys.stderr = old_stdout, old_stderr
            if guard is not None:
                metadata["guard_refusals"] = list(guard.refusals)
                guard.uninstall()
                guard = None
            if previous_limit is not None:
                _restore_memory_limit(previous_limit)
                previous_limit = None
            _finish(
                metadata,
                user_globals,
                folder,
                attempt_folder,
                results_path,
                before_figures,
                out,
                err,
                output_files,
            )
        return metadata
    finally:
        sys.stdout, sys.stderr = old_stdout, old_stderr
        if guard is not None:
            guard.uninstall()
        if previous_limit is not None:
            _restore_memory_limit(previous_limit)
        sys.argv = previous_argv
        sys.path[:] = previous_path0
        try:
            os.chdir(previous_cwd)
        except OSError:
            pass


def _finish(metadata, user_globals, folder, attempt_folder, results_path, before_figures, out, err, output_files):
    """Writes results, figures, captured output (when ``output_files``) and the final metadata.
    Runs after success and failure alike."""
    metadata_path = os.path.join(attempt_folder, METADATA_FILE)
    if metadata["success"]:
        if "results" in user_globals:
            value = user_globals["results"]
            metadata["results_type"] = "%s.%s" % (type(value).__module__, type(value).__name__)
            try:
                text, warnings = serialize_results(value)
                _write_text(results_path, text)
                metadata["results_saved"] = True
                metadata["warnings"].extend(warnings)
            except Exception as error:
                metadata["results_save_error"] = "%s: %s" % (type(error).__name__, error)
        else:
            metadata["warnings"].append("the code did not assign `results`; no results.json was written")

    auto = _save_open_figures(folder, metadata["figure_errors"])
    auto_set = set(auto)
    after = _snapshot_figures(folder)
    metadata["figures"] = [os.path.relpath(p, folder) for p in auto]
    metadata["user_figures"] = sorted(
        os.path.relpath(p, folder)
        for p, mtime in after.items()
        if p not in auto_set and before_figures.get(p) != mtime
    )

    for name, stream in (("stdout", out), ("stderr", err)):
        if stream is None:
            continue
        metadata["%s_truncated" % name] = stream.truncated
        if output_files:
            _write_text(os.path.join(attempt_folder, "%s.txt" % name), stream.getvalue())

    metadata["phase"] = "finished"
    metadata["end_time"] = _now_iso()
    _write_metadata(metadata_path, metadata)


def _apply_memory_limit(limit_mb):
    """Caps the address space; returns the previous limits so a kernel can get them back."""
    try:
        import resource
    except ImportError:  # not POSIX
        return None
    previous = resource.getrlimit(resource.RLIMIT_AS)
    limit = limit_mb * 1024 * 1024
    hard = previous[1]
    if hard != resource.RLIM_INFINITY and hard < limit:
        limit = hard
    # Only the soft limit: a reused kernel must be able to raise it again afterwards.
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    return previous


def _restore_memory_limit(previous):
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, previous)
    except Exception:
        pass


# --------------------------------------------------------------------------------------------------------------
# command line


_OPTIONS = {
    "--code": "code_path",
    "--folder": "folder",
    "--attempt-folder": "attempt_folder",
    "--memory-limit-mb": "memory_limit_mb",
    "--max-output-chars": "max_output_chars",
    "--execution-mode": "execution_mode",
}
_SWITCHES = {"--read-only": ("read_only", True), "--no-output-files": ("output_files", False)}
_USAGE = (
    "usage: wrapper.py --code FILE --folder DIR [--attempt-folder DIR] [--read-only] "
    "[--memory-limit-mb N] [--max-output-chars N] [--execution-mode NAME] [--no-output-files]\n"
    "   or: wrapper.py --serve-fd FD   (spare mode: one JSON job line on the pipe FD)"
)


def _parse_args(argv):
    """A small parser instead of argparse, which alone costs more start-up time than the rest of this script."""
    args = {"attempt_folder": None, "read_only": False, "memory_limit_mb": None, "execution_mode": None}
    args["max_output_chars"] = DEFAULT_MAX_OUTPUT_CHARS
    index = 0
    while index < len(argv):
        flag = argv[index]
        if flag in _SWITCHES:
            name, value = _SWITCHES[flag]
            args[name] = value
            index += 1
            continue
        if flag not in _OPTIONS or index + 1 >= len(argv):
            raise SystemExit("%s\nwrapper.py: unknown or incomplete option %r" % (_USAGE, flag))
        name = _OPTIONS[flag]
        value = argv[index + 1]
        if name in ("memory_limit_mb", "max_output_chars"):
            try:
                value = int(value)
            except ValueError:
                raise SystemExit("%s\nwrapper.py: %s needs an integer, got %r" % (_USAGE, flag, value)) from None
        args[name] = value
        index += 2
    if not args.get("code_path") or not args.get("folder"):
        raise SystemExit("%s\nwrapper.py: --code and --folder are required" % _USAGE)
    return args


# --------------------------------------------------------------------------------------------------------------
# spare mode: started ahead of time, given its job over a pipe

_JOB_KEYS = {
    "code_path": str,
    "folder": str,
    "attempt_folder": str,
    "read_only": bool,
    "memory_limit_mb": int,
    "max_output_chars": int,
    "execution_mode": str,
    "output_files": bool,
}


def _job_args(job):
    """Checks a job sent over the control pipe the way ``_parse_args`` checks a command line."""
    if not isinstance(job, dict):
        raise SystemExit("wrapper.py: the job must be a JSON object")
    args = {"max_output_chars": DEFAULT_MAX_OUTPUT_CHARS}
    for name, value in job.items():
        kind = _JOB_KEYS.get(name)
        if kind is None:
            raise SystemExit("wrapper.py: unknown job key %r" % name)
        if value is None:
            continue
        # bool is an int subclass: a flag sent as a size (or the reverse) is a bug in the caller, not a value.
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise SystemExit("wrapper.py: job key %r must be %s, got %r" % (name, kind.__name__, value))
        args[name] = value
    if not args.get("code_path") or not args.get("folder"):
        raise SystemExit("wrapper.py: the job needs code_path and folder")
    return args


def _read_line(fd):
    data = b""
    while b"\n" not in data:
        chunk = os.read(fd, 65536)
        if not chunk:
            break
        data += chunk
    return data


def _serve(control_fd):
    """Spare mode: the interpreter and this script are loaded before there is anything to run, so a run does not
    wait for Python to start. Announces ``ready`` on the control pipe, reads one JSON job line, acknowledges it
    with ``started`` (so the parent can tell a spare that died while waiting from a run that crashed), closes the
    pipe (the user code must not inherit it) and runs the job exactly as the command line would. An empty read
    means the parent closed the pipe or died: nothing to run, so the spare just exits."""
    # Everything loaded so far (interpreter, standard library, this script) lives as long as the process. Frozen,
    # the garbage collector skips it, in the user's code and at exit (measured: ~2.5 ms less per run). Objects the
    # user code creates are collected as usual.
    import gc

    gc.freeze()
    try:
        os.write(control_fd, b"ready\n")
        line = _read_line(control_fd)
    except OSError:
        return 4
    if not line.strip():
        return 0
    try:
        job = json.loads(line.decode("utf-8"))
    except ValueError as error:
        raise SystemExit("wrapper.py: the job is not valid JSON: %s" % error) from None
    args = _job_args(job)
    try:
        os.write(control_fd, b"started\n")
    except OSError:
        pass
    os.close(control_fd)
    metadata = run_wrapped(**args)
    return 0 if metadata.get("phase") == "finished" else 3


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    serve_fd = None
    if len(argv) == 2 and argv[0] == "--serve-fd":
        try:
            serve_fd = int(argv[1])
        except ValueError:
            raise SystemExit("%s\nwrapper.py: --serve-fd needs a file descriptor number" % _USAGE) from None
    else:
        args = _parse_args(argv)

    # Python put this script's folder (the attempt folder, which holds code.py) first on sys.path; left there, the
    # user's `import code` would import their own file instead of the standard library module.
    here = os.path.dirname(os.path.abspath(__file__))
    if sys.path and os.path.abspath(sys.path[0] or ".") == here:
        sys.path.pop(0)

    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(encoding="utf-8", errors="backslashreplace", line_buffering=False)
        except (AttributeError, ValueError):
            pass

    if serve_fd is not None:
        return _serve(serve_fd)
    metadata = run_wrapped(**args)
    # The exit status only tells the parent the wrapper finished; success or failure is in the metadata.
    return 0 if metadata.get("phase") == "finished" else 3


if __name__ == "__main__":
    sys.exit(main())
