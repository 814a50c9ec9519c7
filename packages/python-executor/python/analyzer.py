"""ExecKit static analyzer for generated Python code.

A long-lived helper: it reads one JSON request per line on stdin,
``{"id": ..., "code": "...", "patterns": {"reads": [...], "writes": [...]}}``,
and writes one JSON response per line on stdout, ``{"id": ..., "ok": true, "result": {...}}``.
The first line it writes is a handshake, ``{"ready": true, "protocol": 1, "python": [3, 11, 2]}``.

Everything is decided on Python's own ``ast``: names are resolved through imports, aliases, assignments, ``getattr``
with constant-folded names, ``__import__``/``importlib``, ``sys.modules``, modules re-exported by other modules
(``shutil.os``), class attributes, containers (``pvs.values()``, ``zip``, ``map``, ``ops[1]``), parameters and
dataclass fields annotated with a control-system class (``pv: epics.PV``) and ophyd ``Component`` attributes, so
text in comments or strings never matches and ``model.eval()`` is not ``eval``. The code under analysis is never
imported, compiled to bytecode or run. Works on Python 3.8 and later.

Severity: high for starting processes or shells, dynamic code, deleting or writing files outside the execution
folder, sockets and servers, native code and unpickling (shelve included); medium for network clients,
control-system writes (running a Bluesky plan included), environment changes and writes to paths that cannot be
known before running; low for information (file reads, environment reads, control-system reads, and setting library
tuning variables such as ``OMP_NUM_THREADS`` or ``MPLBACKEND``). The runner starts the code in the execution folder,
so the working directory (``os.getcwd()``, ``Path.cwd()``) is the folder itself and its parent is outside. An
``os.chdir`` is reported (medium) and followed in source order: relative paths written after a change out of the
folder count as outside it, after a change to an unknown folder as unknown, until ``os.chdir`` back to a saved
``os.getcwd()``.

Known limits, on purpose: bindings are followed in source order and the last one wins, except that inside a branch a
binding to something sensitive is not replaced by a harmless one (``if c: f = os.system`` / ``else: f = print``
keeps ``os.system``); of the values a user function returns only the first sensitive one is followed (a dangerous
callable that is returned is also reported where it is returned); an interpolated part of a relative path is assumed
not to climb out with ``..``, and a path that starts with an interpolated value is unknown unless that value is
known to be outside (``f"{os.environ['HOME']}/x"``); creating a temporary file or folder in the default temporary
folder is not reported (writing into it is, as a path that cannot be known). Code that defeats these still has to
get past the runtime guard of read-only runs.
"""

import ast
import builtins
import fnmatch
import json
import posixpath
import re
import sys

PROTOCOL = 1

if sys.version_info < (3, 8):
    # Announce the version and stop, so the caller can say "too old" instead of showing a traceback.
    sys.stdout.write(json.dumps({"ready": True, "protocol": PROTOCOL, "python": list(sys.version_info[:3])}) + "\n")
    sys.stdout.flush()
    sys.exit(3)

# Bound once: attribute lookups on the ast module are measurable in the hot paths.
AST_NAME = ast.Name
AST_ATTRIBUTE = ast.Attribute
AST_CALL = ast.Call
AST_SUBSCRIPT = ast.Subscript
AST_TUPLE = ast.Tuple
AST_LIST = ast.List
AST_STARRED = ast.Starred
AST_LAMBDA = ast.Lambda
AST_CONSTANT = ast.Constant
AST_SLICE = ast.Slice
AST_DICTCOMP = ast.DictComp
AST_UNARYOP = ast.UnaryOp
AST_USUB = ast.USub
AST_DIV = ast.Div
AST_ADD = ast.Add
AST_MOD = ast.Mod
AST_MULT = ast.Mult

BUILTIN_NAMES = frozenset(dir(builtins))
# Past this many characters the snippet is refused: generated code is never this large, and parsing megabytes
# would stall every request queued behind it.
MAX_CODE_CHARS = 2000000


class Val(object):
    """What an expression is known to be.

    ``qual`` is a canonical dotted name (``os.system``); a call result gets ``()`` appended
    (``epics.PV()`` is "an object made by epics.PV") and an element of a returned sequence gets ``[]``.
    ``const`` is the folded string value. When the exact value is unknown, ``outside`` marks a path known to leave
    the execution folder and ``inside`` one known to stay in it (a relative constant prefix such as
    ``f"plot_{i}.png"``; interpolated values are assumed not to climb out with ``..``). ``elem`` is what a known
    container holds.
    """

    __slots__ = ("qual", "const", "outside", "elem", "inside")

    def __init__(self, qual=None, const=None, outside=False, elem=None, inside=False):
        self.qual = qual
        self.const = const
        self.outside = outside
        self.elem = elem
        self.inside = inside


UNKNOWN = Val()
_QVAL_CACHE = {}
# What a name that is not bound resolves to: a builtin (one shared Val each, as Vals never change) or nothing.
BUILTIN_VALS = dict((name, Val("builtins." + name)) for name in BUILTIN_NAMES)
BUILTIN_VALS["__builtins__"] = Val("builtins")


def qval(qual):
    """The Val of a bare name; Vals are never changed after creation, so one per name is shared."""
    val = _QVAL_CACHE.get(qual)
    if val is None:
        if len(_QVAL_CACHE) > 50000:
            _QVAL_CACHE.clear()
        val = _QVAL_CACHE[qual] = Val(qual)
    return val

# Other names of the same module or class, mapped to one canonical name so that one rule covers them all.
CANONICAL_PREFIXES = {
    "pyepics": "epics",
    "epics.pv.PV": "epics.PV",
    "epics.pv.get_pv": "epics.get_pv",
    "epics.get_pv()": "epics.PV()",
    "epics.motor.Motor": "epics.Motor",
    "epics.device.Device": "epics.Device",
    "caproto.threading.pyepics_compat": "epics",
    "aioca": "epics",
    "cothread.catools": "epics",
    "ophyd.signal.EpicsSignal": "ophyd.EpicsSignal",
    "ophyd.signal.EpicsSignalRO": "ophyd.EpicsSignalRO",
    "ophyd.epics_motor.EpicsMotor": "ophyd.EpicsMotor",
    "ophyd.EpicsSignalWithRBV": "ophyd.EpicsSignal",
    "ophyd.areadetector.EpicsSignalWithRBV": "ophyd.EpicsSignal",
    "ophyd.areadetector.base.EpicsSignalWithRBV": "ophyd.EpicsSignal",
    "ophyd.device.Component": "ophyd.Component",
    "bluesky.run_engine.RunEngine": "bluesky.RunEngine",
    "ophyd.device.FormattedComponent": "ophyd.FormattedComponent",
    "ophyd.Cpt": "ophyd.Component",
    "ophyd.FCpt": "ophyd.FormattedComponent",
    "ophyd.ADComponent": "ophyd.Component",
    "ophyd.areadetector.ADComponent": "ophyd.Component",
    "ophyd.areadetector.base.ADComponent": "ophyd.Component",
    "caproto.threading.client.Context": "caproto.Context",
    "caproto.asyncio.client.Context": "caproto.Context",
    "p4p.client.thread.Context": "p4p.Context",
    "p4p.client.asyncio.Context": "p4p.Context",
    "p4p.client.cothread.Context": "p4p.Context",
    "p4p.client.raw.Context": "p4p.Context",
    "PyTango": "tango",
    "tango.device_proxy.DeviceProxy": "tango.DeviceProxy",
    "posix": "os",
    "nt": "os",
    "posixpath": "os.path",
    "ntpath": "os.path",
    "cPickle": "pickle",
    "_pickle": "pickle",
    "urllib2": "urllib.request",
    "importlib.__import__": "builtins.__import__",
    "pathlib.PosixPath": "pathlib.Path",
    "pathlib.WindowsPath": "pathlib.Path",
    "pathlib.PurePath": "pathlib.Path",
    "pathlib.PurePosixPath": "pathlib.Path",
}
_CANON_BY_HEAD = {}
for _prefix, _target in CANONICAL_PREFIXES.items():
    _CANON_BY_HEAD.setdefault(_prefix.split(".", 1)[0], []).append((_prefix, _target))
for _head in _CANON_BY_HEAD:
    _CANON_BY_HEAD[_head].sort(key=lambda pair: -len(pair[0]))


_CANON_CACHE = {}


def canon(qual):
    """Rewrites a dotted name to its canonical form (``pyepics.caput`` -> ``epics.caput``)."""
    cached = _CANON_CACHE.get(qual)
    if cached is None:
        if len(_CANON_CACHE) > 50000:
            _CANON_CACHE.clear()
        cached = _CANON_CACHE[qual] = _canon(qual)
    return cached


# Modules that other modules import and so expose as attributes: ``shutil.os`` and ``os.path.os`` are ``os``.
REEXPORTED_MODULES = frozenset(["os", "subprocess", "builtins", "sys"])
# Real submodules with those names, which are not the re-exported module.
NOT_REEXPORTS = frozenset(["asyncio.subprocess"])


def _canon(qual):
    if qual.endswith(".__call__"):
        # ``os.system.__call__`` is ``os.system``.
        return _canon(qual[:-9])
    dot = qual.find(".")
    if dot > 0:
        reexport = _canon_reexport(qual)
        if reexport is not None:
            return reexport
    candidates = _CANON_BY_HEAD.get(qual if dot < 0 else qual[:dot])
    if candidates is None:
        return qual
    for prefix, target in candidates:
        if qual == prefix:
            return target
        if qual.startswith(prefix):
            nxt = qual[len(prefix)]
            if nxt == "." or nxt == "(" or nxt == "[":
                return target + qual[len(prefix):]
    return qual


def _canon_reexport(qual):
    """``shutil.os.system`` -> ``os.system``: a module reached as an attribute of another module."""
    parts = qual.split(".")
    for index in range(1, len(parts)):
        part = parts[index]
        if part in REEXPORTED_MODULES:
            prefix = ".".join(parts[:index])
            if "(" in prefix or "[" in prefix:
                return None
            if prefix + "." + part in NOT_REEXPORTS:
                continue
            return _canon(".".join(parts[index:]))
        if "(" in part or "[" in part:
            return None
    return None


# ---------------------------------------------------------------------------------------------------------------
# Rules: rule id -> (category, severity, what it does). Severity "path" means the path decides (see classify).

RULES = {
    "process.subprocess": ("process", "high", "Starts a process through the subprocess module"),
    "process.os_system": ("process", "high", "Runs a shell command"),
    "process.os_popen": ("process", "high", "Runs a shell command and reads its output"),
    "process.os_exec": ("process", "high", "Replaces the Python process with another program"),
    "process.os_spawn": ("process", "high", "Starts another program"),
    "process.os_fork": ("process", "high", "Forks the Python process"),
    "process.os_kill": ("process", "high", "Sends a signal to a process"),
    "process.pty": ("process", "high", "Starts a program on a pseudo-terminal"),
    "process.asyncio_subprocess": ("process", "high", "Starts a process through asyncio"),
    "process.other": ("process", "high", "Starts a process or a shell"),
    "dynamic.eval": ("dynamic_code", "high", "Evaluates a string as Python code"),
    "dynamic.exec": ("dynamic_code", "high", "Executes a string as Python code"),
    "dynamic.compile": ("dynamic_code", "high", "Compiles a string into Python code"),
    "dynamic.import": ("dynamic_code", "high", "Imports a module by a computed name"),
    "dynamic.importlib": ("dynamic_code", "high", "Imports or loads a module at run time"),
    "dynamic.getattr": ("dynamic_code", "high", "Looks up an attribute of a sensitive module by a computed name"),
    "dynamic.sys_modules": ("dynamic_code", "high", "Changes the module table sys.modules"),
    "dynamic.sys_modules_read": ("dynamic_code", "medium", "Reaches a module through sys.modules instead of an import"),
    "dynamic.runpy": ("dynamic_code", "high", "Runs another Python file or module"),
    "dynamic.code_object": ("dynamic_code", "high", "Builds a code or function object directly"),
    "dynamic.monkeypatch": ("dynamic_code", "high", "Replaces an attribute of a sensitive module"),
    "dynamic.introspection": ("dynamic_code", "high",
                              "Reaches interpreter internals (globals, builtins, code or subclasses of objects)"),
    "filesystem.write": ("filesystem_write", "path", "Writes or changes files"),
    "filesystem.delete": ("filesystem_write", "path", "Deletes files or folders"),
    "filesystem.chdir": ("filesystem_write", "path", "Changes the working directory, which moves every relative path"),
    "filesystem.read": ("other", "low", "Reads a file"),
    "network.socket": ("network", "high", "Opens a raw network socket"),
    "network.http": ("network", "medium", "Makes network requests"),
    "network.dns": ("network", "medium", "Resolves host names over the network"),
    "network.other": ("network", "medium", "Uses a network protocol client or server"),
    "network.server": ("network", "high", "Listens for network connections (starts a server)"),
    "native.ctypes": ("native_code", "high", "Calls native code through ctypes"),
    "native.cffi": ("native_code", "high", "Calls native code through cffi"),
    "deserialization.pickle": ("deserialization", "high", "Unpickles data, which can run arbitrary code"),
    "deserialization.marshal": ("deserialization", "high", "Loads marshalled code objects"),
    "deserialization.dill": ("deserialization", "high", "Unpickles data with dill, which can run arbitrary code"),
    "deserialization.other": ("deserialization", "high", "Loads data with a format that can run code"),
    "deserialization.shelve": ("deserialization", "high", "Opens a shelve database, which unpickles its values"),
    "environment.read": ("other", "low", "Reads an environment variable"),
    "environment.write": ("other", "medium", "Changes an environment variable"),
    "environment.epics_override": (
        "control_system_write", "high", "Changes the control-system client environment (EPICS addresses or gateway)"),
    "analysis.too_complex": ("other", "high", "The code is nested too deeply to analyze; review it by hand"),
    "epics.caget": ("control_system_read", "low", "Reads EPICS process variables"),
    "epics.cainfo": ("control_system_read", "low", "Reads EPICS channel information"),
    "epics.camonitor": ("control_system_read", "low", "Monitors EPICS process variables"),
    "epics.pv_get": ("control_system_read", "low", "Reads an EPICS process variable through a PV object"),
    "epics.caput": ("control_system_write", "medium", "Writes an EPICS process variable"),
    "epics.caput_many": ("control_system_write", "medium", "Writes several EPICS process variables"),
    "epics.pv_put": ("control_system_write", "medium", "Writes an EPICS process variable through a PV object"),
    "epics.motor_write": ("control_system_write", "medium", "Moves or configures an EPICS motor"),
    "epics.device_put": ("control_system_write", "medium", "Writes through an EPICS Device"),
    "bluesky.run_plan": ("control_system_write", "medium", "Runs a Bluesky plan, which moves and sets devices"),
    "p4p.get": ("control_system_read", "low", "Reads PVAccess channels through p4p"),
    "p4p.put": ("control_system_write", "medium", "Writes PVAccess channels through p4p"),
    "p4p.rpc": ("control_system_write", "medium", "Calls a PVAccess RPC through p4p"),
    "caproto.read": ("control_system_read", "low", "Reads EPICS channels through caproto"),
    "caproto.write": ("control_system_write", "medium", "Writes EPICS channels through caproto"),
    "pvaccess.get": ("control_system_read", "low", "Reads a PVAccess channel through pvaccess"),
    "pvaccess.put": ("control_system_write", "medium", "Writes a PVAccess channel through pvaccess"),
    "tango.read_attribute": ("control_system_read", "low", "Reads Tango device attributes"),
    "tango.write_attribute": ("control_system_write", "medium", "Writes Tango device attributes"),
    "tango.command_inout": ("control_system_write", "medium", "Runs a Tango device command"),
    "custom.read": ("control_system_read", "low", "Reads the control system (configured pattern)"),
    "custom.write": ("control_system_write", "medium", "Writes the control system (configured pattern)"),
}


def _expand(rule, names):
    return dict((name, rule) for name in names)


# Calls by exact canonical name.
CALL_RULES = {}
CALL_RULES.update(_expand("process.os_system", ["os.system", "platform.popen", "commands.getoutput",
                                                "commands.getstatusoutput"]))
CALL_RULES.update(_expand("process.other", ["distutils.spawn.spawn", "multiprocessing.util.spawnv_passfds",
                                            "pydoc.pipepager", "pydoc.tempfilepager"]))
CALL_RULES.update(_expand("process.os_popen", ["os.popen", "os.popen2", "os.popen3", "os.popen4"]))
CALL_RULES.update(_expand("process.os_exec", ["os." + n for n in (
    "execl", "execle", "execlp", "execlpe", "execv", "execve", "execvp", "execvpe")]))
CALL_RULES.update(_expand("process.os_spawn", ["os." + n for n in (
    "spawnl", "spawnle", "spawnlp", "spawnlpe", "spawnv", "spawnve", "spawnvp", "spawnvpe",
    "posix_spawn", "posix_spawnp", "startfile")]))
CALL_RULES.update(_expand("process.os_fork", ["os.fork", "os.forkpty"]))
CALL_RULES.update(_expand("process.os_kill", ["os.kill", "os.killpg", "os.pidfd_send_signal", "signal.pthread_kill"]))
CALL_RULES.update(_expand("process.asyncio_subprocess", [
    "asyncio.create_subprocess_exec", "asyncio.create_subprocess_shell",
    "asyncio.subprocess.create_subprocess_exec", "asyncio.subprocess.create_subprocess_shell"] + [
    loop + "()." + method for loop in ("asyncio.get_event_loop", "asyncio.get_running_loop", "asyncio.new_event_loop")
    for method in ("subprocess_exec", "subprocess_shell")]))
CALL_RULES.update(_expand("dynamic.eval", ["builtins.eval"]))
CALL_RULES.update(_expand("dynamic.exec", ["builtins.exec", "builtins.execfile", "code.interact",
                                           "code.InteractiveInterpreter", "code.InteractiveConsole",
                                           "codeop.compile_command", "pdb.run", "pdb.runeval", "bdb.Bdb"]))
CALL_RULES.update(_expand("dynamic.compile", ["builtins.compile"]))
CALL_RULES.update(_expand("dynamic.import", ["builtins.__import__"]))
CALL_RULES.update(_expand("dynamic.importlib", [
    "importlib.import_module", "importlib.util.spec_from_file_location", "importlib.util.spec_from_loader",
    "importlib.util.module_from_spec", "importlib.machinery.SourceFileLoader",
    "importlib.machinery.SourcelessFileLoader", "imp.load_source", "imp.load_module", "imp.load_compiled",
    "zipimport.zipimporter"]))
CALL_RULES.update(_expand("dynamic.runpy", ["runpy.run_path", "runpy.run_module"]))
CALL_RULES.update(_expand("dynamic.code_object", ["types.CodeType", "types.FunctionType"]))
CALL_RULES.update(_expand("network.socket", [
    "socket.socket", "socket.create_connection", "socket.create_server", "socket.socketpair", "socket.fromfd",
    "asyncio.open_connection", "asyncio.start_server", "asyncio.open_unix_connection",
    "asyncio.start_unix_server", "multiprocessing.connection.Client"]))
CALL_RULES.update(_expand("network.server", ["multiprocessing.connection.Listener"]))
CALL_RULES.update(_expand("network.dns", [
    "socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyname_ex", "socket.gethostbyaddr"]))
CALL_RULES.update(_expand("network.http", ["urllib.urlopen", "urllib.urlretrieve"]))
CALL_RULES.update(_expand("deserialization.pickle", [
    "pickle.loads", "pickle.load", "pickle.Unpickler", "pickle._loads", "pickle._load", "pickle._Unpickler",
    "pandas.read_pickle", "pandas.io.pickle.read_pickle", "joblib.load", "cloudpickle.loads", "cloudpickle.load"]))
CALL_RULES.update(_expand("deserialization.marshal", ["marshal.loads", "marshal.load"]))
CALL_RULES.update(_expand("deserialization.dill", ["dill.loads", "dill.load", "dill.Unpickler", "dill.load_session",
                                                     "dill.load_module"]))
CALL_RULES.update(_expand("deserialization.other", ["yaml.unsafe_load", "yaml.unsafe_load_all", "yaml.full_load",
                                                      "yaml.full_load_all", "jsonpickle.decode",
                                                      "jsonpickle.loads"]))
CALL_RULES.update(_expand("deserialization.shelve", ["shelve.open", "shelve.DbfilenameShelf"]))
CALL_RULES.update(_expand("environment.read", ["os.getenv", "os.environ.get", "os.getenvb"]))
CALL_RULES.update(_expand("epics.caget", ["epics.caget", "epics.caget_many", "epics.ca.get",
                                          "epics.ca.get_with_metadata"]))
CALL_RULES.update(_expand("epics.cainfo", ["epics.cainfo"]))
CALL_RULES.update(_expand("epics.camonitor", ["epics.camonitor"]))
CALL_RULES.update(_expand("epics.pv_get", [
    "epics.PV().get", "epics.PV().get_with_metadata", "epics.PV().get_ctrlvars", "epics.PV().get_timevars",
    "epics.Device().get", "epics.Motor().get"]))
CALL_RULES.update(_expand("epics.caput", ["epics.caput", "epics.ca.put"]))
CALL_RULES.update(_expand("epics.caput_many", ["epics.caput_many"]))
CALL_RULES.update(_expand("epics.pv_put", ["epics.PV().put"]))
CALL_RULES.update(_expand("epics.motor_write", [
    "epics.Motor().move", "epics.Motor().put", "epics.Motor().set_position", "epics.Motor().tweak",
    "epics.Motor().stop"]))
CALL_RULES.update(_expand("epics.device_put", ["epics.Device().put"]))
# ophyd signals and motors are EPICS PVs behind objects.
CALL_RULES.update(_expand("epics.pv_get", [cls + "()." + m for cls in ("ophyd.EpicsSignal", "ophyd.EpicsSignalRO")
                                           for m in ("get", "read")] + ["ophyd.EpicsMotor().read"]))
CALL_RULES.update(_expand("epics.pv_put", ["ophyd.EpicsSignal().put", "ophyd.EpicsSignal().set"]))
CALL_RULES.update(_expand("epics.motor_write", ["ophyd.EpicsMotor()." + m for m in (
    "move", "set", "set_current_position", "stop", "home")]))
CALL_RULES.update(_expand("p4p.get", ["p4p.Context().get", "p4p.Context().monitor"]))
CALL_RULES.update(_expand("p4p.put", ["p4p.Context().put"]))
CALL_RULES.update(_expand("p4p.rpc", ["p4p.Context().rpc"]))
CALL_RULES.update(_expand("caproto.read", [
    "caproto.Context().get_pvs()[].read", "caproto.sync.client.read", "caproto.Context().get_pvs()[].subscribe"]))
CALL_RULES.update(_expand("caproto.write", ["caproto.Context().get_pvs()[].write", "caproto.sync.client.write"]))
CALL_RULES.update(_expand("tango.read_attribute", [
    "tango.DeviceProxy()." + n for n in ("read_attribute", "read_attributes", "read_attribute_asynch",
                                         "read_attributes_asynch", "read_pipe")] + ["tango.AttributeProxy().read"]))
CALL_RULES.update(_expand("tango.write_attribute", [
    "tango.DeviceProxy()." + n for n in ("write_attribute", "write_attributes", "write_read_attribute",
                                         "write_read_attributes", "write_attribute_asynch",
                                         "write_attributes_asynch", "write_pipe")] + ["tango.AttributeProxy().write"]))
CALL_RULES.update(_expand("tango.command_inout", [
    "tango.DeviceProxy().command_inout", "tango.DeviceProxy().command_inout_asynch",
    "tango.DeviceProxy().command_inout_raw", "tango.Group().command_inout", "tango.Group().command_inout_asynch"]))
CALL_RULES.update(_expand("tango.write_attribute", ["tango.Group().write_attribute",
                                                    "tango.Group().write_attribute_asynch"]))
CALL_RULES.update(_expand("tango.read_attribute", ["tango.Group().read_attribute", "tango.Group().read_attributes"]))
CALL_RULES.update(_expand("native.ctypes", ["numpy.ctypeslib.load_library"]))
CALL_RULES.update(_expand("bluesky.run_plan", ["bluesky.RunEngine()", "bluesky.RunEngine().__call__"]))

# Methods by name prefix on objects of a known class: ``Channel(...).putDouble`` and friends.
METHOD_PREFIX_RULES = {
    "pvaccess.Channel()": [("put", "pvaccess.put"), ("get", "pvaccess.get"), ("monitor", "pvaccess.get"),
                           ("subscribe", "pvaccess.get")],
}

# Any call of a module-level name under these prefixes (not methods of objects they return).
WILDCARD_RULES = [
    ("subprocess.", "process.subprocess"),
    ("pty.", "process.pty"),
    ("pexpect.", "process.other"),
    ("_posixsubprocess.", "process.subprocess"),
    ("_winapi.", "process.other"),
    ("webbrowser.", "process.other"),
    ("ctypes.", "native.ctypes"),
    ("_ctypes.", "native.ctypes"),
    ("cffi.", "native.cffi"),
    ("requests.", "network.http"),
    ("urllib.request.", "network.http"),
    ("http.client.", "network.http"),
    ("httpx.", "network.http"),
    ("aiohttp.", "network.http"),
    ("urllib3.", "network.http"),
    ("pycurl.", "network.http"),
    ("ftplib.", "network.other"),
    ("smtplib.", "network.other"),
    ("telnetlib.", "network.other"),
    ("poplib.", "network.other"),
    ("imaplib.", "network.other"),
    ("xmlrpc.client.", "network.other"),
    ("paramiko.", "network.other"),
    ("websocket.", "network.other"),
    ("websockets.", "network.other"),
    ("http.server.", "network.server"),
    ("socketserver.", "network.server"),
    ("xmlrpc.server.", "network.server"),
    ("wsgiref.simple_server.", "network.server"),
]
WILDCARD_EXCEPTIONS = ("requests.exceptions.", "httpx.HTTPError", "httpx.HTTPStatusError",
                       "subprocess.CalledProcessError", "subprocess.TimeoutExpired", "subprocess.SubprocessError",
                       "subprocess.PIPE", "subprocess.STDOUT", "subprocess.DEVNULL", "subprocess.CompletedProcess")
_WILDCARD_BY_HEAD = {}
for _prefix, _rule in WILDCARD_RULES:
    _WILDCARD_BY_HEAD.setdefault(_prefix.split(".", 1)[0], []).append((_prefix, _rule))

# Calls that change files. Each entry: rule, positional indexes and keyword names of the path arguments, and
# whether the receiver (``Path(...)``) is itself the path.
FS_CALLS = {
    "shutil.rmtree": ("filesystem.delete", (0,), ("path",), False),
    "shutil.move": ("filesystem.write", (0, 1), ("src", "dst"), False),
    "shutil.copy": ("filesystem.write", (1,), ("dst",), False),
    "shutil.copy2": ("filesystem.write", (1,), ("dst",), False),
    "shutil.copyfile": ("filesystem.write", (1,), ("dst",), False),
    "shutil.copytree": ("filesystem.write", (1,), ("dst",), False),
    "shutil.copymode": ("filesystem.write", (1,), ("dst",), False),
    "shutil.copystat": ("filesystem.write", (1,), ("dst",), False),
    "shutil.chown": ("filesystem.write", (0,), ("path",), False),
    "shutil.unpack_archive": ("filesystem.write", (1,), ("extract_dir",), False),
    "shutil.make_archive": ("filesystem.write", (0,), ("base_name",), False),
    "os.remove": ("filesystem.delete", (0,), ("path",), False),
    "os.unlink": ("filesystem.delete", (0,), ("path",), False),
    "os.rmdir": ("filesystem.delete", (0,), ("path",), False),
    "os.removedirs": ("filesystem.delete", (0,), ("name",), False),
    "os.rename": ("filesystem.write", (0, 1), ("src", "dst"), False),
    "os.renames": ("filesystem.write", (0, 1), ("old", "new"), False),
    "os.replace": ("filesystem.write", (0, 1), ("src", "dst"), False),
    "os.mkdir": ("filesystem.write", (0,), ("path",), False),
    "os.makedirs": ("filesystem.write", (0,), ("name",), False),
    "os.chmod": ("filesystem.write", (0,), ("path",), False),
    "os.chown": ("filesystem.write", (0,), ("path",), False),
    "os.lchown": ("filesystem.write", (0,), ("path",), False),
    "os.truncate": ("filesystem.write", (0,), ("path",), False),
    "os.utime": ("filesystem.write", (0,), ("path",), False),
    "os.symlink": ("filesystem.write", (0, 1), ("src", "dst"), False),
    "os.link": ("filesystem.write", (0, 1), ("src", "dst"), False),
    "os.mkfifo": ("filesystem.write", (0,), ("path",), False),
    "os.open": ("filesystem.write", (0,), ("path",), False),
    "os.chdir": ("filesystem.chdir", (0,), ("path",), False),
    "contextlib.chdir": ("filesystem.chdir", (0,), ("path",), False),
    "logging.FileHandler": ("filesystem.write", (0,), ("filename",), False),
    "logging.handlers.RotatingFileHandler": ("filesystem.write", (0,), ("filename",), False),
    "logging.handlers.TimedRotatingFileHandler": ("filesystem.write", (0,), ("filename",), False),
    "logging.handlers.WatchedFileHandler": ("filesystem.write", (0,), ("filename",), False),
    "logging.basicConfig": ("filesystem.write", (None,), ("filename",), False),
    "tarfile.open().extractall": ("filesystem.write", (0,), ("path",), False),
    "tarfile.open().extract": ("filesystem.write", (1,), ("path",), False),
    "zipfile.ZipFile().extractall": ("filesystem.write", (0,), ("path",), False),
    "zipfile.ZipFile().extract": ("filesystem.write", (1,), ("path",), False),
    "pathlib.Path().write_text": ("filesystem.write", (), (), True),
    "pathlib.Path().write_bytes": ("filesystem.write", (), (), True),
    "pathlib.Path().touch": ("filesystem.write", (), (), True),
    "pathlib.Path().mkdir": ("filesystem.write", (), (), True),
    "pathlib.Path().chmod": ("filesystem.write", (), (), True),
    "pathlib.Path().rename": ("filesystem.write", (0,), ("target",), True),
    "pathlib.Path().replace": ("filesystem.write", (0,), ("target",), True),
    "pathlib.Path().symlink_to": ("filesystem.write", (0,), ("target",), True),
    "pathlib.Path().hardlink_to": ("filesystem.write", (0,), ("target",), True),
    "pathlib.Path().unlink": ("filesystem.delete", (), (), True),
    "pathlib.Path().rmdir": ("filesystem.delete", (), (), True),
}
FS_READ_CALLS = frozenset(["pathlib.Path().read_text", "pathlib.Path().read_bytes"])
OPEN_CALLS = frozenset(["builtins.open", "io.open", "codecs.open", "io.FileIO", "gzip.open", "bz2.open",
                        "lzma.open", "h5py.File", "netCDF4.Dataset", "tables.open_file", "zipfile.ZipFile",
                        "tarfile.open"])
# Methods that save to a path on objects we do not track (DataFrames, figures, models). Writing inside the
# execution folder is what generated code is for, and these receivers are everywhere, so only a path known to
# leave the folder is reported.
SAVE_METHODS = frozenset(["to_csv", "to_excel", "to_json", "to_parquet", "to_pickle", "to_hdf", "to_feather",
                          "to_html", "to_latex", "to_stata", "to_xml", "to_netcdf", "to_zarr", "savefig", "save",
                          "savetxt", "savez", "savez_compressed", "tofile", "to_file", "dump_json", "write_image",
                          "write_html"])
SAVE_PATH_KEYWORDS = frozenset(["path", "path_or_buf", "fname", "file", "filename", "excel_writer", "buf", "filepath",
                                "path_or_buffer", "f", "uri", "file_name"])
# Save functions and the position of their path argument.
SAVE_FUNCTIONS = {"numpy.save": 0, "numpy.savetxt": 0, "numpy.savez": 0, "numpy.savez_compressed": 0,
                  "matplotlib.pyplot.savefig": 0, "matplotlib.pyplot.imsave": 0, "pandas.to_pickle": 1,
                  "joblib.dump": 1, "torch.save": 1, "scipy.io.savemat": 0, "scipy.io.wavfile.write": 0,
                  "cv2.imwrite": 0, "imageio.imwrite": 0, "imageio.v2.imwrite": 0, "imageio.v3.imwrite": 0,
                  "soundfile.write": 0, "pandas.ExcelWriter": 0, "pandas.HDFStore": 0,
                  "matplotlib.backends.backend_pdf.PdfPages": 0}
# Modules whose attributes, looked up by a computed name, can reach a process, the file system or eval.
# ``sys``, ``str`` and the like are left out: ``getattr(sys, stream_name)`` is an everyday idiom.
SENSITIVE_MODULES = frozenset(["os", "subprocess", "builtins", "shutil", "ctypes", "_ctypes", "pickle", "marshal",
                               "socket", "importlib", "pty", "runpy", "dill", "epics", "p4p", "caproto", "pvaccess",
                               "tango", "os.path"])
MONKEYPATCH_TARGETS = frozenset(["builtins", "os", "subprocess", "socket", "shutil", "importlib", "epics",
                                 "p4p.Context", "tango.DeviceProxy", "pvaccess.Channel", "os.path"])
SYS_MODULES_READS = frozenset(["get", "__getitem__", "values", "items"])
SYS_MODULES_METHODS = frozenset(["get", "pop", "setdefault", "update", "clear", "__getitem__", "__setitem__",
                                 "__delitem__", "popitem", "values", "items"])
EPICS_ENV_PREFIXES = ("EPICS_", "PVA_", "TANGO_HOST")
TUNING_ENV = frozenset(["MPLBACKEND", "HDF5_USE_FILE_LOCKING", "TF_CPP_MIN_LOG_LEVEL", "CUDA_VISIBLE_DEVICES",
                        "KMP_DUPLICATE_LIB_OK", "KMP_AFFINITY", "PYTHONHASHSEED", "PYTHONWARNINGS", "TZ",
                        "NUMBA_DISABLE_JIT", "TOKENIZERS_PARALLELISM", "PYTHONUNBUFFERED", "MPLCONFIGDIR"])
ENV_WRITE_METHODS = frozenset(["update", "setdefault", "pop", "clear", "__setitem__", "__delitem__", "popitem"])
PATH_RETURNING_METHODS = frozenset(["resolve", "absolute", "with_suffix", "with_name", "with_stem", "joinpath",
                                    "expanduser", "parent"])
ABSOLUTE_PATH_PRODUCERS = frozenset(["pathlib.Path.home", "os.path.expanduser", "tempfile.gettempdir",
                                     "tempfile.mkdtemp", "tempfile.mkstemp", "os.path.realpath", "os.path.abspath"])
# The runner starts the code in the execution folder, so the working directory is the folder itself: ``.``.
CWD_PRODUCERS = frozenset(["pathlib.Path.cwd", "os.getcwd", "os.getcwdb"])

_KNOWN = set(CALL_RULES) | set(FS_CALLS) | set(FS_READ_CALLS) | set(OPEN_CALLS) | set(METHOD_PREFIX_RULES)
KNOWN_PREFIXES = set()
for _name in _KNOWN:
    for _i, _ch in enumerate(_name):
        if _ch in ".(":
            KNOWN_PREFIXES.add(_name[:_i])
    KNOWN_PREFIXES.add(_name)


_NO_RULE = ""
# Per-process caches keyed by canonical name; the rules never change while the process runs.
_INERT_CALLS = set()
_PLAIN_CALL_RESULTS = {}
_RULE_CACHE = {}


def match_rule(qual):
    """The built-in rule a call of ``qual`` triggers, or None."""
    cached = _RULE_CACHE.get(qual)
    if cached is None:
        if len(_RULE_CACHE) > 50000:
            _RULE_CACHE.clear()
        cached = _RULE_CACHE[qual] = _match_rule(qual) or _NO_RULE
    return cached or None


def _match_rule(qual):
    rule = CALL_RULES.get(qual)
    if rule is not None:
        return rule
    dot = qual.rfind(".")
    if dot > 0:
        receiver = qual[:dot]
        method = qual[dot + 1:]
        prefixes = METHOD_PREFIX_RULES.get(receiver)
        if prefixes is not None:
            for prefix, rule in prefixes:
                if method.startswith(prefix):
                    return rule
        if receiver == "tango.DeviceProxy()" and method[:1].isupper() and "(" not in method and "[" not in method:
            # Tango exposes device commands as methods (``dev.On()``, ``dev.Init()``); the API itself is snake_case.
            return "tango.read_attribute" if method in ("State", "Status") else "tango.command_inout"
    head_end = qual.find(".")
    if head_end > 0:
        wild = _WILDCARD_BY_HEAD.get(qual[:head_end])
        if wild is not None and "(" not in qual and "[" not in qual:
            for prefix, rule in wild:
                if qual.startswith(prefix) and not qual.startswith(WILDCARD_EXCEPTIONS):
                    return rule
    return None


_SENSITIVE_CACHE = {}


def sensitive(qual):
    """Whether a bound value leads to any rule: a flagged callable, a module with rules, a PV object…"""
    known = _SENSITIVE_CACHE.get(qual)
    if known is None:
        if len(_SENSITIVE_CACHE) > 50000:
            _SENSITIVE_CACHE.clear()
        known = _SENSITIVE_CACHE[qual] = qual in SENSITIVE_MODULES or rule_known(qual)
    return known


def rule_known(qual):
    """Whether ``qual`` (e.g. a name a star import may have brought in) leads to any rule."""
    if qual in KNOWN_PREFIXES:
        return True
    return match_rule(qual) is not None


# ---------------------------------------------------------------------------------------------------------------
# Paths


def classify_path(val):
    """'inside' the execution folder, 'outside' it, or 'unknown'."""
    const = val.const
    if const is None:
        if val.outside:
            return "outside"
        if val.inside or val.qual == "os.devnull":
            return "inside"
        return "unknown"
    return "outside" if path_leaves(const) else "inside"


LINE_BREAKS = re.compile(r"\r\n|\r|\n")
PATH_SEPARATORS = re.compile(r"[/\\]")


def path_leaves(text):
    if not text:
        return False
    if text[0] in "/\\~" or (len(text) > 1 and text[1] == ":" and text[0].isalpha()):
        return True
    return ".." in PATH_SEPARATORS.split(text)


def parent_path(text):
    """The folder holding ``text``; the parent of ``.`` (the execution folder) is ``..``."""
    return posixpath.normpath(posixpath.join(text, ".."))


def relative_prefix(text):
    """Whether a string that starts with ``text`` is surely a relative path that does not climb out."""
    return bool(text) and not path_leaves(text) and text[0] not in "/\\" and ".." not in text


def join_paths(parts):
    """posixpath.join over Vals; a part that is unknown keeps only the 'outside' hint of the known parts."""
    consts = []
    outside = False
    unknown = False
    for part in parts:
        if part.const is None:
            unknown = True
            outside = outside or part.outside
        else:
            consts.append(part.const)
            if path_leaves(part.const):
                outside = True
    if unknown:
        # Unknown parts that are known relative (``f"plot_{i}.png"``) cannot reset the join to an absolute path.
        inside = not outside and all(part.inside or (part.const is not None and not path_leaves(part.const))
                                     for part in parts)
        return Val(const=None, outside=outside, inside=inside)
    if not consts:
        return Val(const="")
    return Val(const=posixpath.join(*consts))


# ---------------------------------------------------------------------------------------------------------------


class Scope(object):
    __slots__ = ("names", "kind", "globals", "stars")

    def __init__(self, kind):
        self.names = {}
        self.kind = kind
        self.globals = None
        self.stars = None


class CustomPatterns(object):
    """Configured control-system patterns, compiled once per distinct configuration."""

    def __init__(self, patterns):
        self.exact = {}
        self.globs = []
        self.methods = {}
        self.method_globs = []
        for kind in ("reads", "writes"):
            rule = "custom.read" if kind == "reads" else "custom.write"
            for raw in patterns.get(kind) or ():
                if not isinstance(raw, str) or not raw.strip():
                    continue
                pattern = raw.strip()
                if pattern.startswith("."):
                    name = pattern[1:]
                    if any(ch in name for ch in "*?["):
                        self.method_globs.append((re.compile(fnmatch.translate(name)), rule, pattern))
                    else:
                        self.methods.setdefault(name, (rule, pattern))
                else:
                    pattern = canon(pattern)
                    if any(ch in pattern for ch in "*?["):
                        self.globs.append((re.compile(fnmatch.translate(pattern)), rule, pattern))
                    else:
                        self.exact.setdefault(pattern, (rule, pattern))
        self.empty = not (self.exact or self.globs or self.methods or self.method_globs)

    def match_qual(self, qual):
        plain = qual.replace("()", "").replace("[]", "")
        for candidate in (qual, plain):
            hit = self.exact.get(candidate)
            if hit is not None:
                return hit
        for regex, rule, pattern in self.globs:
            if regex.match(qual) or regex.match(plain):
                return (rule, pattern)
        return None

    def match_method(self, name):
        hit = self.methods.get(name)
        if hit is not None:
            return hit
        for regex, rule, pattern in self.method_globs:
            if regex.match(name):
                return (rule, pattern)
        return None


NO_PATTERNS = CustomPatterns({})


class Analyzer(object):
    def __init__(self, code, patterns):
        self.code = code
        self.patterns = patterns
        self.findings = {}
        self.imports = set()
        self.assigns_results = False
        self.scopes = [Scope("module")]
        self.memo = {}
        self.attr_bindings = False
        # ``class Tool: run = os.system``: "<class qual>.run" and "<class qual>().run" -> os.system.
        self.class_attrs = {}
        # Lambdas handed to map()/filter(), and the element their first parameter receives.
        self.lambda_elements = {}
        # One entry per function being visited: the first sensitive value it returns, if any.
        self.returns = []
        self.has_stars = False
        self.branch_depth = 0
        self.lines = None
        # Where an earlier ``os.chdir`` left the working directory: None (the execution folder), "unknown" or
        # "outside". Relative paths written after it are judged from there.
        self.cwd = None
        self.ascii = code.isascii() if hasattr(code, "isascii") else all(ord(c) < 128 for c in code)

    # -- findings -----------------------------------------------------------------------------------------------

    def add(self, rule, node, symbol, severity=None, detail=None):
        line = getattr(node, "lineno", 1)
        column = getattr(node, "col_offset", 0)
        key = (rule, line, column)
        if key in self.findings:
            return
        category, default_severity, message = RULES[rule]
        sev = severity or default_severity
        if detail:
            message = message + " " + detail
        if symbol:
            message = message + " (" + symbol + ")"
        self.findings[key] = {
            "rule": rule,
            "category": category,
            "severity": sev,
            "line": line,
            "column": self.char_column(line, column),
            "message": message,
            "symbol": symbol,
        }

    def char_column(self, line, byte_column):
        # ast columns are UTF-8 byte offsets; report characters so editors point at the right place.
        if self.ascii:
            return byte_column
        if self.lines is None:
            # Not splitlines(): it also breaks at form feeds and other separators that Python does not count.
            self.lines = LINE_BREAKS.split(self.code)
        if 0 < line <= len(self.lines):
            return len(self.lines[line - 1].encode("utf-8")[:byte_column].decode("utf-8", "replace"))
        return byte_column

    # -- scopes -------------------------------------------------------------------------------------------------

    def push(self, kind):
        self.scopes.append(Scope(kind))

    def pop(self):
        self.scopes.pop()

    def lookup(self, name):
        scopes = self.scopes
        if len(scopes) == 1:
            return scopes[0].names.get(name)
        for scope in reversed(scopes):
            val = scope.names.get(name)
            if val is not None:
                return val
        return None

    def bind(self, name, val, counts_as_results=True):
        scope = self.scopes[-1]
        if scope.globals is not None and name in scope.globals:
            scope = self.scopes[0]
        if name == "results" and counts_as_results and scope.kind == "module":
            self.assigns_results = True
        if self.branch_depth and (val.qual is None or not sensitive(val.qual)):
            existing = scope.names.get(name)
            if existing is not None and existing.qual is not None and sensitive(existing.qual):
                # Another branch may have bound it to the dangerous value: keep that one.
                return
        scope.names[name] = val
        if scope.kind == "class" and val.qual is not None:
            # ``system = os.system`` in a class body is reached as ``self.system`` from its methods.
            self.attr_bindings = True
            scope.names["self." + name] = val
            scope.names["cls." + name] = val

    def bind_target(self, target, val, value_node=None):
        kind = type(target)
        if kind is AST_NAME:
            self.bind(target.id, val)
        elif kind is AST_TUPLE or kind is AST_LIST:
            elts = target.elts
            if value_node is not None and type(value_node) in (AST_TUPLE, AST_LIST) and \
                    len(value_node.elts) == len(elts) and not any(type(e) is AST_STARRED for e in elts):
                for sub_target, sub_value in zip(elts, value_node.elts):
                    self.bind_target(sub_target, self.resolve(sub_value), sub_value)
            else:
                element = element_of(val)
                for sub_target in elts:
                    if type(sub_target) is AST_STARRED:
                        self.bind_target(sub_target.value, Val(elem=element))
                    else:
                        self.bind_target(sub_target, element)
        elif kind is AST_STARRED:
            self.bind_target(target.value, Val(elem=element_of(val)))
        elif kind is AST_ATTRIBUTE:
            self.visit(target.value)
            self.check_attribute_store(target)
            if type(target.value) is AST_NAME:
                self.attr_bindings = True
                key = target.value.id + "." + target.attr
                # ``self.pv = PV(...)`` in __init__ must be visible in the other methods: keep it on the class.
                for scope in reversed(self.scopes):
                    if scope.kind == "class":
                        scope.names[key] = val
                        break
                else:
                    self.bind(key, val, False)
        elif kind is AST_SUBSCRIPT:
            self.visit(target.value)
            self.visit(target.slice)
            self.check_subscript_store(target)

    # -- resolution ---------------------------------------------------------------------------------------------

    def resolve(self, node):
        kind = type(node)
        # Names and constants are cheaper to resolve again than to memoize.
        if kind is AST_NAME:
            return self.resolve_name(node)
        if kind is AST_CONSTANT:
            return self.resolve_constant(node)
        memo = self.memo
        val = memo.get(node)
        if val is None:
            handler = RESOLVERS.get(kind)
            val = handler(self, node) if handler is not None else UNKNOWN
            memo[node] = val
        return val

    def resolve_name(self, node):
        name = node.id
        val = self.lookup(name)
        if val is not None:
            return val
        if self.has_stars:
            for scope in reversed(self.scopes):
                if scope.stars:
                    for module in reversed(scope.stars):
                        candidate = canon(module + "." + name)
                        if rule_known(candidate):
                            return Val(candidate)
        return BUILTIN_VALS.get(name, UNKNOWN)

    def resolve_attribute(self, node):
        base_node = node.value
        attr = node.attr
        if self.attr_bindings and type(base_node) is AST_NAME:
            bound = self.lookup(base_node.id + "." + attr)
            if bound is not None:
                return bound
        base = self.resolve(base_node)
        if base.qual is not None:
            qual = base.qual
            if qual == "pathlib.Path()" and attr == "parent":
                return Val("pathlib.Path()", parent_path(base.const) if base.const is not None else None,
                           base.outside)
            class_attrs = self.class_attrs
            if class_attrs:
                member = class_attrs.get(qual + "." + attr)
                if member is not None:
                    return member
            full = canon(qual + "." + attr)
            return CONSTANT_ATTRIBUTES.get(full) or qval(full)
        if base.const is not None and attr in ("join", "replace", "lower", "upper", "strip", "decode", "format",
                                               "encode", "lstrip", "rstrip", "title", "capitalize", "swapcase"):
            # A method of a string constant; the call resolver folds it.
            return Val("str." + attr, base.const)
        return UNKNOWN

    def resolve_call(self, node):
        func = node.func
        fval = self.resolve(func)
        qual = fval.qual
        if qual is None:
            if type(func) is AST_ATTRIBUTE:
                method = CONTAINER_METHODS.get(func.attr)
                if method is not None:
                    # ``pvs.values()``, ``handlers.get("run")`` on a container whose elements are known.
                    element = self.resolve(func.value).elem
                    if element is not None:
                        if method == 2:
                            return Val(elem=Val(elem=element))
                        return Val(elem=element) if method else element
            return UNKNOWN
        if fval.elem is not None and qual.startswith(FUNCTION_PREFIX):
            return fval.elem
        plain = _PLAIN_CALL_RESULTS.get(qual)
        if plain is not None:
            return plain
        args = node.args
        if qual == "operator.attrgetter()" and fval.const and args:
            # ``attrgetter("system")(os)`` is ``os.system``.
            target = self.resolve(args[0]).qual
            return qval(canon(target + "." + fval.const)) if target is not None else UNKNOWN
        special = CALL_RESOLVERS.get(qual)
        if special is None and qual.endswith(".get") and (qual.endswith(".__dict__.get") or
                                                          qual == "__globals__.get"):
            special = _resolve_dict_get
        elif special is None and qual.endswith(".__getattribute__") and args:
            # ``os.__getattribute__("system")`` is ``getattr(os, "system")``.
            name = self.resolve(args[0]).const
            return qval(canon(qual[:-17] + "." + name)) if name else UNKNOWN
        if special is not None:
            val = special(self, node, args)
            if val is not None:
                return val
        if qual.startswith("str."):
            return self.fold_str_method(qual[4:], fval.const, node)
        if qual.startswith("pathlib.Path()."):
            method = qual[15:]
            if method in PATH_RETURNING_METHODS:
                receiver = self.resolve(func.value) if type(func) is AST_ATTRIBUTE else UNKNOWN
                if method == "joinpath":
                    joined = join_paths([receiver] + [self.resolve(a) for a in args])
                    return Val("pathlib.Path()", joined.const, joined.outside, None, joined.inside)
                if method == "expanduser" and receiver.const is not None and receiver.const.startswith("~"):
                    return Val("pathlib.Path()", None, True)
                return Val("pathlib.Path()", receiver.const, receiver.outside, None, receiver.inside)
        if qual in CWD_PRODUCERS:
            return Val("pathlib.Path()", ".") if qual.startswith("pathlib.") else Val(const=".")
        if qual in ABSOLUTE_PATH_PRODUCERS:
            if qual in ("os.path.abspath", "os.path.realpath") and args:
                inner = self.resolve(args[0])
                return Val(None, inner.const, inner.outside, None, inner.inside)
            return Val("pathlib.Path()" if qual.startswith("pathlib.") else None, None, True)
        result = qval(canon(qual + "()"))
        if special is None:
            # Nothing above applied, and nothing would for this name with other arguments: remember the result.
            if len(_PLAIN_CALL_RESULTS) > 50000:
                _PLAIN_CALL_RESULTS.clear()
            _PLAIN_CALL_RESULTS[qual] = result
        return result

    def fold_str_method(self, method, const, node):
        args = node.args
        try:
            if method == "join" and len(args) == 1:
                seq = args[0]
                if type(seq) in (AST_LIST, AST_TUPLE):
                    parts = [self.resolve(e).const for e in seq.elts]
                    if all(p is not None for p in parts):
                        return Val(const=const.join(parts))
                return UNKNOWN
            if method == "format":
                values = [self.resolve(a).const for a in args]
                if all(v is not None for v in values) and not node.keywords:
                    return Val(const=const.format(*values))
                return UNKNOWN
            if method in ("replace", "strip", "lstrip", "rstrip"):
                values = [self.resolve(a).const for a in args]
                if all(v is not None for v in values):
                    return Val(const=getattr(const, method)(*values))
                return UNKNOWN
            if method in ("decode", "encode"):
                return Val(const=const)
            return Val(const=getattr(const, method)())
        except Exception:
            return UNKNOWN

    def resolve_subscript(self, node):
        base = self.resolve(node.value)
        key_node = node.slice
        if INDEX is not None and type(key_node) is INDEX:
            key_node = key_node.value
        if base.elem is not None:
            return base.elem
        qual = base.qual
        if qual is not None:
            if type(key_node) is AST_SLICE:
                return UNKNOWN
            key = self.resolve(key_node).const
            if qual == "sys.modules":
                return Val(canon(key)) if key else UNKNOWN
            if key is not None and qual.endswith(".__dict__"):
                return Val(canon(qual[:-9] + "." + key))
            if qual == "__globals__" and key is not None:
                if key == "__builtins__":
                    return Val("builtins")
                val = self.scopes[0].names.get(key)
                if val is not None:
                    return val
                return Val("builtins." + key) if key in BUILTIN_NAMES else UNKNOWN
            if qual == "builtins" and key is not None:
                return Val("builtins." + key)
            if qual == "os.environ":
                return HOME_FOLDER if key in HOME_VARIABLES else UNKNOWN
            if qual.endswith(")") or qual.endswith("]"):
                return Val(qual + "[]")
            return UNKNOWN
        if base.const is not None:
            if type(key_node) is AST_SLICE:
                bounds = []
                for part in (key_node.lower, key_node.upper, key_node.step):
                    if part is None:
                        bounds.append(None)
                    elif type(part) is AST_CONSTANT and type(part.value) is int:
                        bounds.append(part.value)
                    elif type(part) is AST_UNARYOP and type(part.op) is AST_USUB and \
                            type(part.operand) is AST_CONSTANT and type(part.operand.value) is int:
                        bounds.append(-part.operand.value)
                    else:
                        return UNKNOWN
                if bounds[2] == 0:
                    return UNKNOWN
                return Val(const=base.const[slice(*bounds)])
        return UNKNOWN

    def resolve_binop(self, node):
        op = type(node.op)
        left = self.resolve(node.left)
        right = self.resolve(node.right)
        if op is AST_DIV and left.qual == "pathlib.Path()":
            joined = join_paths([left, right])
            return Val("pathlib.Path()", joined.const, joined.outside, None, joined.inside)
        if op is AST_ADD:
            if left.const is not None and right.const is not None:
                return Val(const=left.const + right.const)
            if left.const is not None:
                if path_leaves(left.const):
                    return Val(const=None, outside=True)
                return Val(const=None, inside=relative_prefix(left.const) and
                           (right.const is None or ".." not in right.const))
            return Val(const=None, outside=left.outside, inside=left.inside)
        if op is AST_MOD and left.const is not None:
            right_node = node.right
            if type(right_node) is AST_TUPLE:
                values = [self.resolve(e).const for e in right_node.elts]
            else:
                values = [right.const]
            if all(v is not None for v in values):
                try:
                    return Val(const=left.const % tuple(values))
                except Exception:
                    return UNKNOWN
            return Val(const=None, outside=path_leaves(left.const.split("%", 1)[0]))
        if op is AST_MULT and left.const is not None and type(node.right) is AST_CONSTANT and \
                type(node.right.value) is int and 0 <= node.right.value <= 64:
            return Val(const=left.const * node.right.value)
        return UNKNOWN

    def resolve_joinedstr(self, node):
        parts = []
        complete = True
        first_const = None
        for index, part in enumerate(node.values):
            if type(part) is AST_CONSTANT:
                text = part.value
                if index == 0:
                    first_const = text
            else:
                text = None
                if part.format_spec is None and part.conversion in (-1, 115):
                    val = self.resolve(part.value)
                    text = val.const
                    if index == 0 and val.outside:
                        # ``f"{os.environ['HOME']}/notes.txt"`` starts with a path outside the folder.
                        return Val(const=None, outside=True)
            if text is None:
                complete = False
            else:
                parts.append(text)
        if complete:
            return Val(const="".join(parts))
        leaves = (first_const is not None and path_leaves(first_const)) or \
            any(".." in PATH_SEPARATORS.split(p) for p in parts)
        inside = not leaves and first_const is not None and relative_prefix(first_const) and \
            not any(".." in p for p in parts)
        return Val(const=None, outside=leaves, inside=inside)

    def resolve_constant(self, node):
        value = node.value
        if type(value) is str:
            return Val(const=value)
        if type(value) is bytes:
            return Val(const=value.decode("latin-1"))
        return UNKNOWN

    def resolve_sequence(self, node):
        elts = node.elts
        if not elts:
            return UNKNOWN
        return self.common_element(elts)

    def common_element(self, nodes):
        """What every element of a literal container is taken to be: their common kind, else the first sensitive
        one (``ops = (print, os.system)``: ``ops[1]`` may be either), or for strings the worst path among them."""
        first = self.resolve(nodes[0])
        if first.qual is None:
            if first.const is None or type(nodes[0]) is not AST_CONSTANT:
                return UNKNOWN
            # ``paths = ["/data/a.h5", "/data/b.h5"]``: iterating gives paths that leave the folder.
            inside = True
            for other in nodes:
                if type(other) is not AST_CONSTANT:
                    return UNKNOWN
                text = other.value
                if type(text) is not str:
                    return UNKNOWN
                if not text:
                    inside = False
                elif "/" in text or "\\" in text or "." in text or ":" in text or text[0] == "~":
                    # Most strings are plain names; only these can be paths that leave or climb.
                    if path_leaves(text):
                        return OUTSIDE_ELEMENTS
                    if not relative_prefix(text):
                        inside = False
            return INSIDE_ELEMENTS if inside else UNKNOWN
        mixed = False
        for other in nodes[1:]:
            if self.resolve(other).qual != first.qual:
                mixed = True
                break
        if not mixed:
            return Val(elem=first)
        for other in nodes:
            val = self.resolve(other)
            if val.qual is not None and sensitive(val.qual):
                return Val(elem=val)
        return UNKNOWN

    def resolve_comprehension(self, node):
        elt = node.value if type(node) is AST_DICTCOMP else node.elt
        element = self.resolve(elt)
        return Val(elem=element) if element.qual is not None else UNKNOWN

    def resolve_dict(self, node):
        values = [v for v in node.values if v is not None]
        if not values:
            return UNKNOWN
        val = self.common_element(values)
        return val if val.qual is None and val.elem is not None and val.elem.qual is not None else UNKNOWN

    def resolve_either(self, node):
        if type(node) is ast.IfExp:
            options = (node.body, node.orelse)
        else:
            options = node.values
        for option in options:
            val = self.resolve(option)
            if val.qual is not None:
                return val
        return UNKNOWN

    def resolve_inner(self, node):
        return self.resolve(node.value)

    # -- visiting -----------------------------------------------------------------------------------------------

    def visit(self, node):
        kind = type(node)
        if kind in LEAVES:
            return
        handler = DISPATCH.get(kind)
        if handler is None:
            self.generic(node)
        else:
            handler(self, node)

    def generic(self, node):
        # Only the fields that can hold code; leaves are skipped here rather than in a call to visit().
        fields = CHILD_FIELDS.get(type(node))
        if fields is None:
            fields = child_fields(type(node))
        visit = self.visit
        for field in fields:
            value = getattr(node, field, None)
            if value is None:
                continue
            if type(value) is list:
                for item in value:
                    if type(item) not in LEAVES and isinstance(item, ast.AST):
                        visit(item)
            elif type(value) not in LEAVES and isinstance(value, ast.AST):
                visit(value)

    def visit_list(self, nodes):
        visit = self.visit
        for node in nodes:
            if type(node) not in LEAVES:
                visit(node)

    def visit_import(self, node):
        for alias in node.names:
            name = alias.name
            self.imports.add(name.split(".", 1)[0])
            if alias.asname:
                self.bind(alias.asname, Val(canon(name)))
            else:
                head = name.split(".", 1)[0]
                self.bind(head, Val(canon(head)))

    def visit_import_from(self, node):
        module = node.module or ""
        if node.level:
            for alias in node.names:
                if alias.name != "*":
                    self.bind(alias.asname or alias.name, UNKNOWN)
            return
        self.imports.add(module.split(".", 1)[0])
        for alias in node.names:
            if alias.name == "*":
                scope = self.scopes[-1]
                if scope.stars is None:
                    scope.stars = []
                self.has_stars = True
                scope.stars.append(canon(module))
                continue
            self.bind(alias.asname or alias.name, Val(canon(module + "." + alias.name)))

    def visit_assign(self, node):
        value = node.value
        self.visit(value)
        val = self.resolve(value)
        for target in node.targets:
            self.bind_target(target, val, value)

    def visit_ann_assign(self, node):
        if node.value is not None:
            self.visit(node.value)
            self.bind_target(node.target, self.resolve(node.value), node.value)
        elif type(node.target) is not AST_NAME:
            self.bind_target(node.target, UNKNOWN)
        elif self.scopes[-1].kind == "class":
            # A dataclass field ``pv: epics.PV`` makes ``self.pv`` a PV in the methods.
            val = self.annotated_instance(node.annotation)
            if val is not UNKNOWN:
                self.bind(node.target.id, val, False)

    def visit_aug_assign(self, node):
        self.visit(node.value)
        target = node.target
        if type(target) is AST_NAME:
            # ``results += ...`` needs an earlier ``results``; it is not a new binding of something else.
            if self.lookup(target.id) is None:
                self.bind(target.id, UNKNOWN)
        else:
            self.bind_target(target, UNKNOWN)

    def visit_named_expr(self, node):
        self.visit(node.value)
        self.bind_target(node.target, self.resolve(node.value))

    def visit_for(self, node):
        self.visit(node.iter)
        self.bind_target(node.target, element_of(self.resolve(node.iter)))
        self.branch_depth += 1
        self.visit_list(node.body)
        self.visit_list(node.orelse)
        self.branch_depth -= 1

    def visit_branching(self, node):
        self.branch_depth += 1
        self.generic(node)
        self.branch_depth -= 1

    def visit_with(self, node):
        for item in node.items:
            self.visit(item.context_expr)
            if item.optional_vars is not None:
                self.bind_target(item.optional_vars, self.resolve(item.context_expr))
        self.visit_list(node.body)

    def visit_function(self, node):
        self.visit_list(node.decorator_list)
        self.visit_arguments(node.args)
        defaults = self.argument_defaults(node.args) if node.args.defaults or node.args.kw_defaults else None
        if getattr(node, "returns", None) is not None:
            self.visit(node.returns)
        self.bind(node.name, UNKNOWN, False)
        self.push("function")
        self.bind_arguments(node.args, defaults)
        self.returns.append(None)
        self.visit_list(node.body)
        returned = self.returns.pop()
        self.pop()
        if returned is not None:
            # ``def connect(): return Context("pva")``: calling the function gives what it returns.
            self.bind(node.name, Val(FUNCTION_PREFIX + node.name, None, False, returned), False)

    def visit_lambda(self, node):
        self.visit_arguments(node.args)
        defaults = self.argument_defaults(node.args) if node.args.defaults or node.args.kw_defaults else None
        self.push("function")
        self.bind_arguments(node.args, defaults)
        if self.lambda_elements:
            element = self.lambda_elements.pop(node, None)
            positional = getattr(node.args, "posonlyargs", []) + node.args.args
            if element is not None and positional:
                # ``map(lambda pv: pv.put(0), pvs)``: the parameter is an element of the mapped sequence.
                self.bind(positional[0].arg, element, False)
        body = node.body
        self.visit(body)
        if type(body) in REFERENCE_TYPES:
            self.check_reference(body, None, None, "(returned as a callable)")
        self.pop()

    def annotated_instance(self, annotation):
        """``pv: epics.PV`` or ``dev: Optional[DeviceProxy]``: an object of that control-system class."""
        kind = type(annotation)
        if kind is AST_CONSTANT and type(annotation.value) is str:
            try:
                annotation = ast.parse(annotation.value, mode="eval").body
            except (SyntaxError, ValueError):
                return UNKNOWN
            kind = type(annotation)
        if kind is AST_SUBSCRIPT:
            # ``Optional[PV]``; ``list[PV]`` is not followed.
            if self.resolve(annotation.value).qual not in ("typing.Optional", "typing.Union"):
                return UNKNOWN
            annotation = annotation.slice
            if INDEX is not None and type(annotation) is INDEX:
                annotation = annotation.value
            if type(annotation) is AST_TUPLE and annotation.elts:
                annotation = annotation.elts[0]
            kind = type(annotation)
        elif kind is ast.BinOp and type(annotation.op) is ast.BitOr:
            annotation = annotation.left
            kind = type(annotation)
        if kind is not AST_NAME and kind is not AST_ATTRIBUTE:
            return UNKNOWN
        qual = self.resolve(annotation).qual
        if qual is None or qual.split(".", 1)[0] not in ANNOTATED_ROOTS:
            return UNKNOWN
        instance = canon(qual + "()")
        return qval(instance) if sensitive(instance) else UNKNOWN

    def visit_arguments(self, args):
        for arg in getattr(args, "posonlyargs", []) + args.args + args.kwonlyargs:
            if arg.annotation is not None and type(arg.annotation) is not AST_NAME:
                # Annotations are evaluated when the function is defined.
                self.visit(arg.annotation)
        for default in args.defaults:
            self.visit(default)
        for default in args.kw_defaults:
            if default is not None:
                self.visit(default)

    def argument_defaults(self, args):
        """What each parameter with a default is bound to: ``def f(run=os.system)`` makes ``run`` os.system."""
        defaults = {}
        positional = getattr(args, "posonlyargs", []) + args.args
        for arg, default in zip(positional[len(positional) - len(args.defaults):], args.defaults):
            val = self.resolve(default)
            if val.qual is not None:
                defaults[arg.arg] = val
        for arg, default in zip(args.kwonlyargs, args.kw_defaults):
            if default is not None:
                val = self.resolve(default)
                if val.qual is not None:
                    defaults[arg.arg] = val
        return defaults

    def bind_arguments(self, args, defaults):
        for arg in getattr(args, "posonlyargs", []) + args.args + args.kwonlyargs:
            val = defaults.get(arg.arg, UNKNOWN) if defaults else UNKNOWN
            if val is UNKNOWN and arg.annotation is not None:
                val = self.annotated_instance(arg.annotation)
            self.bind(arg.arg, val, False)
        if args.vararg is not None:
            self.bind(args.vararg.arg, UNKNOWN, False)
        if args.kwarg is not None:
            self.bind(args.kwarg.arg, UNKNOWN, False)

    def visit_class(self, node):
        self.visit_list(node.decorator_list)
        self.visit_list(node.bases)
        for keyword in node.keywords:
            self.visit(keyword.value)
        # ``class Magnet(epics.PV)`` makes Magnet(...) objects PVs: they get the base's rules.
        base = UNKNOWN
        for base_node in node.bases:
            candidate = self.resolve(base_node)
            if candidate.qual is not None and candidate.qual.split(".", 1)[0] in INHERITED_ROOTS:
                base = candidate
                break
        self.bind(node.name, base, False)
        self.push("class")
        self.visit_list(node.body)
        members = [(name, val) for name, val in self.scopes[-1].names.items()
                   if val.qual is not None and "." not in name and sensitive(val.qual)]
        self.pop()
        if members:
            # ``Tool.run(...)`` and ``Tool().run(...)`` reach the class attribute ``run = subprocess.check_output``.
            if base.qual is None:
                base = Val("__class__." + node.name)
                self.bind(node.name, base, False)
            for name, val in members:
                self.class_attrs[base.qual + "." + name] = val
                self.class_attrs[base.qual + "()." + name] = val

    def visit_global(self, node):
        scope = self.scopes[-1]
        if scope.globals is None:
            scope.globals = set()
        scope.globals.update(node.names)

    def visit_except_handler(self, node):
        if node.type is not None:
            self.visit(node.type)
        if node.name:
            self.bind(node.name, UNKNOWN)
        self.visit_list(node.body)

    def visit_comprehension(self, node):
        generators = node.generators
        self.visit(generators[0].iter)
        self.push("comprehension")
        for index, generator in enumerate(generators):
            if index:
                self.visit(generator.iter)
            self.bind_target(generator.target, element_of(self.resolve(generator.iter)))
            self.visit_list(generator.ifs)
        if type(node) is AST_DICTCOMP:
            self.visit(node.key)
            self.visit(node.value)
        else:
            self.visit(node.elt)
        self.pop()

    def visit_delete(self, node):
        for target in node.targets:
            if type(target) is AST_SUBSCRIPT:
                self.visit(target.value)
                self.visit(target.slice)
                self.check_subscript_store(target)
            else:
                self.visit(target)

    def visit_attribute(self, node):
        value = node.value
        if type(value) is AST_NAME:
            # Tango exposes device attributes as Python attributes: ``dev.current`` reads one.
            bound = self.lookup(value.id)
            if bound is not None and bound.qual == "tango.DeviceProxy()" and not node.attr.startswith("_"):
                self.add("tango.read_attribute", node, "tango.DeviceProxy()." + node.attr)
                return
        elif type(value) is not AST_CONSTANT:
            self.visit(value)
        attr = node.attr
        if attr == "value":
            base = self.resolve(value)
            if base.qual in PV_CLASSES:
                self.add("epics.pv_get", node, base.qual + ".value")
        elif attr in INTERNAL_ATTRIBUTES:
            # ``().__class__.__bases__[0].__subclasses__()`` and ``f.__globals__`` are the classic sandbox escapes.
            self.add("dynamic.introspection", node, "." + attr)

    def visit_subscript(self, node):
        self.visit(node.value)
        self.visit(node.slice)
        qual = self.resolve(node.value).qual
        if qual is not None:
            hit = SUBSCRIPT_READS.get(qual)
            if hit is not None:
                self.add(hit[0], node, hit[1])

    def check_attribute_store(self, target):
        base_qual = self.resolve(target.value).qual
        if base_qual is None:
            return
        if target.attr == "value" and base_qual in PV_CLASSES:
            self.add("epics.pv_put", target, base_qual + ".value")
        elif base_qual in EPICS_ATTRIBUTE_WRITERS and not target.attr.startswith("_"):
            # A Motor or Device writes the PV behind any field set as an attribute (``m.drive = 1.0``).
            self.add(EPICS_ATTRIBUTE_WRITERS[base_qual], target, base_qual + "." + target.attr)
        elif base_qual == "tango.DeviceProxy()" and not target.attr.startswith("_"):
            self.add("tango.write_attribute", target, "tango.DeviceProxy()." + target.attr)
        else:
            qual = canon(base_qual + "." + target.attr)
            if base_qual == "sys":
                if target.attr in ("modules", "meta_path", "path_hooks"):
                    self.add("dynamic.sys_modules", target, qual)
            elif base_qual in MONKEYPATCH_TARGETS:
                # Replacing a function of these modules changes what every later call does, guards included.
                self.add("dynamic.monkeypatch", target, qual)

    def check_subscript_store(self, target):
        qual = self.resolve(target.value).qual
        if qual == "sys.modules":
            self.add("dynamic.sys_modules", target, "sys.modules")
        elif qual == "tango.DeviceProxy()":
            self.add("tango.write_attribute", target, "tango.DeviceProxy()[]")
        elif qual == "os.environ":
            key = self.resolve(target.slice if INDEX is None or type(target.slice) is not INDEX
                               else target.slice.value).const
            self.add_env_write(target, key)

    def add_env_write(self, node, key):
        if key is not None and key.upper().startswith(EPICS_ENV_PREFIXES):
            self.add("environment.epics_override", node, "os.environ[" + repr(key) + "]")
        elif key is not None and (key.upper() in TUNING_ENV or key.upper().endswith("_NUM_THREADS")):
            # Thread counts, plotting backends and log levels only tune this process's libraries.
            self.add("environment.write", node, "os.environ[" + repr(key) + "]", "low")
        else:
            self.add("environment.write", node, "os.environ" if key is None else "os.environ[" + repr(key) + "]")

    def visit_call(self, node):
        func = node.func
        func_type = type(func)
        args = node.args
        if func_type is AST_NAME and len(args) > 1 and type(args[0]) is AST_LAMBDA and \
                self.resolve_name(func).qual in ("builtins.map", "builtins.filter"):
            element = element_of(self.resolve(args[1]))
            if (element.qual is not None and sensitive(element.qual)) or element.elem is not None or \
                    element.outside or element.inside:
                self.lambda_elements[args[0]] = element
        if func_type is AST_ATTRIBUTE:
            self.visit(func.value)
            if func.attr in INTERNAL_ATTRIBUTES:
                self.add("dynamic.introspection", func, "." + func.attr)
        elif func_type is not AST_NAME:
            self.visit(func)
        for arg in args:
            if type(arg) not in LEAVES:
                self.visit(arg)
        keywords = node.keywords
        for keyword in keywords:
            if type(keyword.value) not in LEAVES:
                self.visit(keyword.value)

        fval = self.resolve(func)
        qual = fval.qual
        reported = False
        if qual == "operator.methodcaller()" and fval.const and args:
            # ``methodcaller("system", "ls")(os)`` runs ``os.system("ls")``.
            target = self.resolve(args[0]).qual
            if target is not None:
                qual = canon(target + "." + fval.const)
        if qual is not None:
            reported = self.check_call(node, qual, args, keywords)
        if not reported and func_type is AST_ATTRIBUTE:
            attr = func.attr
            if attr in SAVE_METHODS:
                self.check_save(node, args, keywords, func.attr)
            patterns = self.patterns
            if not patterns.empty:
                hit = patterns.match_method(attr)
                if hit is not None:
                    self.add(hit[0], node, qual or ("." + attr), None, "matching '" + hit[1] + "'")

        # A dangerous callable handed to something else (``map(os.system, cmds)``, ``Thread(target=os.system)``).
        if qual in TYPE_CHECKS:
            return
        for arg in args:
            if type(arg) in REFERENCE_TYPES:
                self.check_reference(arg, qual, args)
        for keyword in keywords:
            if type(keyword.value) in REFERENCE_TYPES:
                self.check_reference(keyword.value, qual, None)

    def visit_return(self, node):
        value = node.value
        if value is not None:
            self.visit(value)
            returns = self.returns
            if returns and returns[-1] is None:
                val = self.resolve(value)
                element = val.elem
                if (val.qual is not None and sensitive(val.qual)) or val.const is not None or val.outside or \
                        val.inside or (element is not None and element.qual is not None and sensitive(element.qual)):
                    returns[-1] = val
            if type(value) in REFERENCE_TYPES:
                # Returned values are not followed, so a dangerous callable leaving a function is reported here.
                self.check_reference(value, None, None, "(returned as a callable)")

    def check_reference(self, node, call_qual, args, detail="(passed as a callable)"):
        if type(node) is AST_NAME:
            # Most arguments are plain local variables; skip them without a full resolution.
            bound = self.lookup(node.id)
            if bound is not None:
                qual = bound.qual
            elif node.id in HIGH_RISK_BUILTINS or self.has_stars:
                qual = self.resolve_name(node).qual
            else:
                return
        else:
            qual = self.resolve(node).qual
        if qual is None:
            return
        rule = match_rule(qual)
        if rule is not None:
            if rule == "tango.command_inout" and qual.startswith("tango.DeviceProxy().") and qual[20:21].isupper():
                # ``print(dev.Current)``: a capitalized member that is not called is a device attribute, read.
                self.add("tango.read_attribute", node, qual)
                return
            category, severity = RULES[rule][:2]
            if (severity == "high" or category in CONTROL_CATEGORIES) and \
                    (call_qual is None or match_rule(call_qual) != rule):
                self.add(rule, node, qual, None, detail)
        elif qual in DELETE_REFERENCES:
            # ``map(os.remove, glob.glob("/tmp/*"))``: the paths are the elements of the next argument of map.
            path = UNKNOWN
            if args is not None and call_qual is not None:
                index = next(i for i, arg in enumerate(args) if arg is node)
                if len(args) > index + 1:
                    following = self.resolve(args[index + 1])
                    if call_qual == "builtins.map" or call_qual.endswith(MAPPING_METHODS):
                        path = element_of(following)
                    else:
                        # ``atexit.register(shutil.rmtree, "/data")``, ``pool.submit(os.remove, p)``.
                        path = following
            self.report_path(FS_CALLS[qual][0], node, qual, path, detail)

    def check_call(self, node, qual, args, keywords):
        """Reports what calling ``qual`` does; True when a finding was added or the call is fully handled."""
        patterns = self.patterns
        if patterns.empty and qual in _INERT_CALLS:
            return False
        handler = CALL_CHECKS.get(qual)
        if handler is not None:
            return handler(self, node, qual, args, keywords)
        if qual in OPEN_CALLS:
            return self.check_open(node, qual, self.arg(args, keywords, 0, "file"),
                                   self.arg(args, keywords, 1, "mode"))
        fs = FS_CALLS.get(qual)
        if fs is not None:
            return self.check_fs(node, qual, fs, args, keywords)
        if qual in FS_READ_CALLS:
            self.add("filesystem.read", node, qual)
            return True
        if qual == "pathlib.Path().open":
            receiver = self.resolve(node.func.value) if type(node.func) is AST_ATTRIBUTE else UNKNOWN
            return self.check_open_val(node, qual, receiver, self.arg(args, keywords, 0, "mode"))
        position = SAVE_FUNCTIONS.get(qual)
        if position is not None:
            self.check_save(node, args, keywords, qual, position)
            return True
        rule = match_rule(qual)
        if rule is not None:
            self.add(rule, node, qual)
            return True
        if not patterns.empty:
            hit = patterns.match_qual(qual)
            if hit is not None:
                self.add(hit[0], node, qual, None, "matching '" + hit[1] + "'")
                return True
        if qual.startswith("sys.modules.") and qual[12:] in SYS_MODULES_METHODS:
            reads = qual[12:] in SYS_MODULES_READS
            self.add("dynamic.sys_modules_read" if reads else "dynamic.sys_modules", node, qual)
            return True
        if qual.startswith("os.environ.") and qual[11:] in ENV_WRITE_METHODS:
            key = self.resolve(args[0]).const if args else None
            if key is None:
                # ``os.environ.update(EPICS_CA_ADDR_LIST=...)`` or ``update({"EPICS_CA_ADDR_LIST": ...})``.
                keys = [k.arg for k in keywords if k.arg]
                if args and type(args[0]) is ast.Dict:
                    keys.extend(self.resolve(k).const for k in args[0].keys if k is not None)
                key = next((k for k in keys if k and k.upper().startswith(EPICS_ENV_PREFIXES)), None)
            self.add_env_write(node, key)
            return True
        if patterns.empty:
            # No built-in check applies to this name whatever its arguments: skip them all next time.
            if len(_INERT_CALLS) > 50000:
                _INERT_CALLS.clear()
            _INERT_CALLS.add(qual)
        return False

    @staticmethod
    def arg(args, keywords, index, name):
        if index is not None and len(args) > index and type(args[index]) is not AST_STARRED:
            return args[index]
        for keyword in keywords:
            if keyword.arg == name:
                return keyword.value
        return None

    def check_open(self, node, qual, path_node, mode_node):
        path = self.resolve(path_node) if path_node is not None else UNKNOWN
        return self.check_open_val(node, qual, path, mode_node)

    def check_open_val(self, node, qual, path, mode_node):
        if mode_node is None:
            mode = "r"
        else:
            mode = self.resolve(mode_node).const
        if mode is not None and not any(ch in mode for ch in "wax+"):
            self.add("filesystem.read", node, qual)
            return True
        detail = None if mode is not None else "(the mode is computed, so it may write)"
        return self.report_path("filesystem.write", node, qual, path, detail)

    def check_fs(self, node, qual, spec, args, keywords):
        rule, positions, names, receiver_is_path = spec
        paths = []
        if receiver_is_path and type(node.func) is AST_ATTRIBUTE:
            paths.append(self.resolve(node.func.value))
        for index, name in zip(positions, names):
            target = self.arg(args, keywords, index, name)
            if target is not None:
                paths.append(self.resolve(target))
        if not paths:
            paths.append(Val(const="."))
        if rule == "filesystem.chdir":
            return self.check_chdir(node, qual, paths[0], self.arg(args, keywords, 0, "path"))
        worst = None
        worst_val = None
        for val in paths:
            where = classify_path(val)
            if worst is None or PATH_ORDER[where] > PATH_ORDER[worst]:
                worst, worst_val = where, val
        return self.report_path(rule, node, qual, worst_val, None)

    def check_chdir(self, node, qual, path, path_node):
        where = classify_path(path)
        if where == "outside":
            self.cwd = "outside"
        elif where == "unknown":
            if self.cwd is None:
                self.cwd = "unknown"
        elif path.const == "." and type(path_node) is not AST_CONSTANT:
            # ``os.chdir(start)`` with ``start = os.getcwd()`` taken before: back in the execution folder.
            self.cwd = None
        return self.report_path("filesystem.chdir", node, qual, path, None)

    def where(self, path):
        """classify_path, for a path used after an ``os.chdir`` that may have left the execution folder."""
        where = classify_path(path)
        if where == "inside" and self.cwd is not None and path.qual != "os.devnull":
            return self.cwd
        return where

    def report_path(self, rule, node, qual, path, detail):
        where = classify_path(path) if rule == "filesystem.chdir" else self.where(path)
        if where == "inside":
            return True
        if rule == "filesystem.chdir":
            severity = "medium"
        else:
            severity = "high" if where == "outside" else "medium"
        if where == "outside":
            shown = path.const if path.const is not None else None
            where_text = "outside the execution folder" + (
                " (" + repr(shown if len(shown) <= 80 else shown[:77] + "...") + ")" if shown is not None else "")
        else:
            where_text = "at a path that cannot be determined before running"
        if rule != "filesystem.chdir" and self.cwd is not None and classify_path(path) == "inside":
            where_text += " (relative to a working directory changed by os.chdir)"
        text = where_text if detail is None else where_text + " " + detail
        self.add(rule, node, qual, severity, text)
        return True

    def check_save(self, node, args, keywords, name, position=0):
        target = self.arg(args, keywords, position, None)
        if target is None:
            for keyword in keywords:
                if keyword.arg in SAVE_PATH_KEYWORDS:
                    target = keyword.value
                    break
        if target is None:
            return
        path = self.resolve(target)
        if self.where(path) == "outside":
            self.report_path("filesystem.write", node, name if "." in name else "." + name, path, None)

    # Special calls --------------------------------------------------------------------------------------------

    def check_getattr(self, node, qual, args, keywords):
        if len(args) >= 2:
            base = self.resolve(args[0]).qual
            name = self.resolve(args[1]).const
            if base is not None and name is None and base in SENSITIVE_MODULES:
                self.add("dynamic.getattr", node, "getattr(" + base + ", ...)")
                return True
        return False

    def check_import_call(self, node, qual, args, keywords):
        name_node = self.arg(args, keywords, 0, "name")
        name = self.resolve(name_node).const if name_node is not None else None
        if name:
            self.imports.add(name.split(".", 1)[0])
        self.add(CALL_RULES[qual], node, qual if not name else qual + "(" + repr(name) + ")")
        return True

    def check_numpy_load(self, node, qual, args, keywords):
        if len(args) > 2 and not (type(args[2]) is AST_CONSTANT and not args[2].value):
            self.add("deserialization.pickle", node, qual, None, "(allow_pickle is on)")
            return True
        for keyword in keywords:
            if keyword.arg == "allow_pickle" and not (type(keyword.value) is AST_CONSTANT and
                                                      keyword.value.value is False):
                self.add("deserialization.pickle", node, qual, None, "(allow_pickle is on)")
                return True
        return False

    def check_torch_load(self, node, qual, args, keywords):
        for keyword in keywords:
            if keyword.arg == "weights_only" and type(keyword.value) is AST_CONSTANT and keyword.value.value is True:
                return False
        self.add("deserialization.pickle", node, qual, None, "(torch.load unpickles unless weights_only=True)")
        return True

    def check_yaml_load(self, node, qual, args, keywords):
        loader = self.arg(args, keywords, 1, "Loader")
        loader_qual = self.resolve(loader).qual if loader is not None else None
        if loader_qual is not None and loader_qual.split(".")[-1] in ("SafeLoader", "CSafeLoader", "BaseLoader"):
            return False
        if loader is None or loader_qual is None or loader_qual.split(".")[-1] in (
                "Loader", "UnsafeLoader", "CLoader", "CUnsafeLoader", "FullLoader"):
            self.add("deserialization.other", node, qual, None, "(yaml without SafeLoader)")
            return True
        return False

    def check_setattr(self, node, qual, args, keywords):
        if args:
            base = self.resolve(args[0]).qual
            if base is not None:
                name = self.resolve(args[1]).const if len(args) > 1 else None
                if base in MONKEYPATCH_TARGETS or base == "sys":
                    self.add("dynamic.monkeypatch", node, base + "." + (name or "?"))
                    return True
                if qual == "builtins.setattr":
                    # ``setattr(pv, "value", 3)`` is ``pv.value = 3``.
                    if base in PV_CLASSES and (name is None or name == "value"):
                        self.add("epics.pv_put", node, base + ".value")
                        return True
                    if base == "tango.DeviceProxy()" and not (name or "x").startswith("_"):
                        self.add("tango.write_attribute", node, base + "." + (name or "?"))
                        return True
        return False

    def check_tempfile(self, node, qual, args, keywords):
        # A temporary file or folder in the default temporary folder is scratch space; one created in a
        # named folder is a write there.
        folder = self.arg(args, keywords, TEMPFILE_DIR_POSITIONS[qual], "dir")
        if folder is None:
            return False
        return self.report_path("filesystem.write", node, qual, self.resolve(folder), None)

    def check_urlretrieve(self, node, qual, args, keywords):
        self.add("network.http", node, qual)
        target = self.arg(args, keywords, 1, "filename")
        if target is not None:
            self.report_path("filesystem.write", node, qual, self.resolve(target), None)
        return True

    def check_shelve(self, node, qual, args, keywords):
        self.add("deserialization.shelve", node, qual)
        flag = self.arg(args, keywords, 1, "flag")
        if flag is None or self.resolve(flag).const != "r":
            self.report_path("filesystem.write", node, qual, self.resolve(self.arg(args, keywords, 0, "filename"))
                             if self.arg(args, keywords, 0, "filename") is not None else UNKNOWN, None)
        return True

    def check_timeit(self, node, qual, args, keywords):
        # Statements given as strings are compiled and run, like exec().
        for candidate in (self.arg(args, keywords, 0, "stmt"), self.arg(args, keywords, 1, "setup")):
            if candidate is not None and self.resolve(candidate).const is not None:
                self.add("dynamic.exec", node, qual, None, "(the statement is a string)")
                return True
        return False

    def check_memmap(self, node, qual, args, keywords):
        # np.memmap opens read-write ("r+") unless told otherwise.
        path = self.arg(args, keywords, 0, "filename")
        mode = self.arg(args, keywords, 2, "mode")
        return self.check_open_val(node, qual, self.resolve(path) if path is not None else UNKNOWN,
                                   mode if mode is not None else R_PLUS)

    def check_putenv(self, node, qual, args, keywords):
        self.add_env_write(node, self.resolve(args[0]).const if args else None)
        return True

    def run(self, tree):
        for statement in tree.body:
            depth = len(self.scopes)
            try:
                self.visit(statement)
            except RecursionError:
                # One pathological statement must not hide what the others do.
                del self.scopes[depth:]
                self.branch_depth = 0
                self.add("analysis.too_complex", statement, None)


def element_of(val):
    if val.elem is not None:
        return val.elem
    if val.qual is not None:
        return Val(val.qual + "[]")
    return UNKNOWN


PATH_ORDER = {"inside": 0, "unknown": 1, "outside": 2}
# Nodes with nothing to find inside: names, constants, operators and contexts.
LEAVES = frozenset([AST_NAME, AST_CONSTANT, ast.Pass, ast.Break, ast.Continue, ast.Nonlocal, ast.Load, ast.Store,
                    ast.Del] + [op for op in (
                        AST_ADD, ast.Sub, AST_MULT, AST_DIV, ast.FloorDiv, AST_MOD, ast.Pow, ast.LShift, ast.RShift,
                        ast.BitOr, ast.BitXor, ast.BitAnd, ast.MatMult, ast.And, ast.Or, ast.Eq, ast.NotEq, ast.Lt,
                        ast.LtE, ast.Gt, ast.GtE, ast.Is, ast.IsNot, ast.In, ast.NotIn, ast.Invert, ast.Not,
                        ast.UAdd, AST_USUB)])
# Classes derived from these libraries' classes inherit their rules.
# Parameters and dataclass fields annotated with these libraries' classes are taken to be their objects.
ANNOTATED_ROOTS = frozenset(["epics", "p4p", "caproto", "pvaccess", "tango", "ophyd", "bluesky"])
INHERITED_ROOTS = frozenset(["epics", "p4p", "caproto", "pvaccess", "tango", "subprocess", "socket", "pathlib",
                             "ctypes", "pickle", "ophyd"])
PV_CLASSES = frozenset(["epics.PV()", "epics.Motor()", "epics.Device()", "ophyd.EpicsSignal()"])
# Reading an item of these: the rule and the symbol reported.
SUBSCRIPT_READS = {
    "sys.modules": ("dynamic.sys_modules_read", "sys.modules"),
    "os.environ": ("environment.read", "os.environ"),
    # ``dev["current"]`` is ``dev.read_attribute("current")``.
    "tango.DeviceProxy()": ("tango.read_attribute", "tango.DeviceProxy()[]"),
}
# ``ctypes.cdll["libc.so.6"]`` loads a library without a call.
SUBSCRIPT_READS.update((name, ("native.ctypes", name + "[]")) for name in (
    "ctypes.cdll", "ctypes.windll", "ctypes.oledll", "ctypes.pydll", "ctypes.pythonapi", "ctypes.CDLL()",
    "ctypes.PyDLL()", "ctypes.WinDLL()", "ctypes.OleDLL()", "ctypes.LibraryLoader()"))
# The qual of a user function whose return value is known; the Val's ``elem`` is that value.
FUNCTION_PREFIX = "__function__."
EPICS_ATTRIBUTE_WRITERS = {"epics.Motor()": "epics.motor_write", "epics.Device()": "epics.device_put"}
CONTROL_CATEGORIES = frozenset(["control_system_read", "control_system_write"])
# Calls whose arguments are types to compare against, not callables handed over: ``isinstance(x, socket.socket)``.
TYPE_CHECKS = frozenset(["builtins.isinstance", "builtins.issubclass"])
MAPPING_METHODS = (".map", ".imap", ".imap_unordered", ".map_async", "builtins.filter")
DELETE_REFERENCES = frozenset(["os.remove", "os.unlink", "os.rmdir", "os.removedirs", "shutil.rmtree"])
# Methods of a container whose elements are known: 0 gives one element, 1 a container of them, 2 a container of
# tuples whose parts are all taken to be such elements (``for name, pv in pvs.items()``).
CONTAINER_METHODS = {"get": 0, "pop": 0, "setdefault": 0, "values": 1, "copy": 1, "items": 2}
TEMPFILE_DIR_POSITIONS = {"tempfile.NamedTemporaryFile": 6, "tempfile.TemporaryFile": 6,
                          "tempfile.SpooledTemporaryFile": 7, "tempfile.mkstemp": 2, "tempfile.mkdtemp": 2,
                          "tempfile.TemporaryDirectory": 2}
INTERNAL_ATTRIBUTES = frozenset(["__subclasses__", "__globals__", "__builtins__", "__code__", "f_globals",
                                 "f_builtins", "f_back", "gi_frame", "cr_frame", "tb_frame", "func_globals"])
REFERENCE_TYPES = frozenset([AST_NAME, AST_ATTRIBUTE])
HIGH_RISK_BUILTINS = frozenset(name[9:] for name, rule in CALL_RULES.items()
                               if name.startswith("builtins.") and RULES[rule][1] == "high")
_NOT_CODE_FIELDS = frozenset(["ctx", "op", "ops", "type_comment", "type_ignores"])
CHILD_FIELDS = {}


def child_fields(kind):
    fields = tuple(field for field in kind._fields if field not in _NOT_CODE_FIELDS)
    CHILD_FIELDS[kind] = fields
    return fields
INDEX = getattr(ast, "Index", None)
if INDEX is not None and sys.version_info >= (3, 9):
    INDEX = None  # 3.9+ puts the expression itself in ``slice``; ast.Index is only a deprecated shim there.


def _resolve_getattr(self, node, args):
    if len(args) >= 2:
        base = self.resolve(args[0])
        name = self.resolve(args[1]).const
        if base.qual is not None and name:
            return Val(canon(base.qual + "." + name))
    return UNKNOWN


def _resolve_dunder_import(self, node, args):
    if args:
        name = self.resolve(args[0]).const
        if name:
            fromlist = self.arg(args, node.keywords, 3, "fromlist")
            # ``__import__("os.path")`` returns ``os`` unless a fromlist is given.
            return Val(canon(name if fromlist is not None else name.split(".", 1)[0]))
    return UNKNOWN


def _resolve_import_module(self, node, args):
    name_node = self.arg(args, node.keywords, 0, "name")
    if name_node is not None:
        name = self.resolve(name_node).const
        if name and not name.startswith("."):
            return Val(canon(name))
    return UNKNOWN


def _resolve_globals(self, node, args):
    return Val("__globals__")


def _resolve_vars(self, node, args):
    if not args:
        return Val("__globals__")
    base = self.resolve(args[0]).qual
    return Val(base + ".__dict__") if base is not None else UNKNOWN


def _resolve_path(self, node, args):
    if not args:
        return Val("pathlib.Path()", ".")
    joined = join_paths([self.resolve(a) for a in args])
    return Val("pathlib.Path()", joined.const, joined.outside, None, joined.inside)


def _resolve_os_path_join(self, node, args):
    if not args:
        return UNKNOWN
    return join_paths([self.resolve(a) for a in args])


def _resolve_chr(self, node, args):
    if len(args) == 1 and type(args[0]) is AST_CONSTANT and type(args[0].value) is int:
        try:
            return Val(const=chr(args[0].value))
        except (ValueError, OverflowError):
            return UNKNOWN
    return UNKNOWN


def _resolve_str(self, node, args):
    if len(args) == 1:
        const = self.resolve(args[0]).const
        if const is not None:
            return Val(const=const)
    return UNKNOWN


def _resolve_dict_get(self, node, args):
    # ``sys.modules.get("os")``, ``builtins.__dict__.get("eval")``: the same as subscripting.
    func = node.func
    if type(func) is AST_ATTRIBUTE and args:
        base = self.resolve(func.value).qual
        key = self.resolve(args[0]).const
        if base is not None and key:
            if base == "sys.modules":
                return Val(canon(key))
            if base == "builtins":
                # ``__builtins__.get("exec")`` where __builtins__ is the builtins dict.
                return Val("builtins." + key)
            if base.endswith(".__dict__"):
                return Val(canon(base[:-9] + "." + key))
            if base == "__globals__":
                return Val("builtins") if key == "__builtins__" else (
                    self.scopes[0].names.get(key) or (Val("builtins." + key) if key in BUILTIN_NAMES else UNKNOWN))
    return None


def _resolve_dirname(self, node, args):
    if len(args) != 1:
        return None
    inner = self.resolve(args[0])
    if inner.const is None:
        return Val(None, None, inner.outside, None, inner.inside)
    const = inner.const
    # ``os.path.dirname(os.getcwd())`` is the folder above the execution folder.
    if posixpath.normpath(const) in (".", "") or posixpath.basename(const) in (".", ".."):
        return Val(const=parent_path(const))
    return Val(const=posixpath.dirname(const))


def _path_listing(where, element):
    if where == "outside":
        return Val(element.qual, None, True)
    if where == "inside":
        return Val(element.qual, None, False, None, True)
    return None


def _resolve_glob(self, node, args):
    # ``glob.glob("/var/log/*")`` gives paths as outside the folder as its pattern.
    if not args or any(keyword.arg == "root_dir" for keyword in node.keywords):
        return None
    listing = _path_listing(classify_path(self.resolve(args[0])), UNKNOWN)
    return Val(elem=listing) if listing is not None else None


def _resolve_path_glob(self, node, args):
    func = node.func
    if type(func) is not AST_ATTRIBUTE:
        return None
    parts = [self.resolve(func.value)]
    if args:
        parts.append(self.resolve(args[0]))
    listing = _path_listing(classify_path(join_paths(parts)), PATH_OBJECT)
    return Val(elem=listing if listing is not None else PATH_OBJECT)


def _resolve_listdir(self, node, args):
    # Bare names: relative to the working directory whatever folder was listed.
    return LISTED_NAMES


def _resolve_walk(self, node, args):
    # ``for root, dirs, files in os.walk(top)``: root is as inside or outside as top, files are bare names.
    top = self.resolve(args[0]) if args else Val(const=".")
    where = classify_path(top)
    if where == "unknown":
        return None
    part = Val(None, None, where == "outside", LISTED_NAMES_ELEMENT, where == "inside")
    return Val(elem=Val(elem=part))


def _resolve_same_elements(self, node, args):
    # ``list(pvs)``, ``sorted(pvs)``, ``iter(pvs)``: the same elements.
    if not args:
        return None
    element = self.resolve(args[0]).elem
    return Val(elem=element) if element is not None else None


def _resolve_filter(self, node, args):
    # ``filter(f, pvs)`` keeps some of the elements of its second argument.
    if len(args) != 2:
        return None
    element = self.resolve(args[1]).elem
    return Val(elem=element) if element is not None else None


def _resolve_dict_call(self, node, args):
    # ``dict(zip(names, pvs))`` and ``dict(pvs_by_name)`` hold the same known elements.
    if len(args) == 1:
        element = self.resolve(args[0]).elem
        if element is not None:
            if element.qual is None and element.elem is not None:
                return Val(elem=element.elem)
            return Val(elem=element)
    return None


def _resolve_next(self, node, args):
    if args:
        return self.resolve(args[0]).elem
    return None


def _resolve_tuples(self, node, args):
    # ``zip(pvs, values)`` and ``enumerate(pvs)``: every part of each tuple is taken to be a known element.
    for arg in args:
        element = self.resolve(arg).elem
        if element is not None and element.qual is not None:
            return Val(elem=Val(elem=element))
    return None


def _resolve_map(self, node, args):
    # ``map(PV, names)`` makes PV objects.
    if len(args) >= 2:
        made = self.resolve(args[0]).qual
        if made is not None:
            return Val(elem=qval(canon(made + "()")))
    return None


HOME_VARIABLES = frozenset(["HOME", "USERPROFILE", "TMPDIR", "TMP", "TEMP", "XDG_DATA_HOME", "XDG_CONFIG_HOME",
                            "XDG_CACHE_HOME"])
HOME_FOLDER = Val(None, None, True)


def _resolve_getenv(self, node, args):
    # ``os.getenv("HOME")`` is an absolute path outside the execution folder.
    if args and self.resolve(args[0]).const in HOME_VARIABLES:
        return HOME_FOLDER
    return None


def _resolve_component(self, node, args):
    # ``exposure = Cpt(EpicsSignal, "cam1:AcquireTime")`` in an ophyd Device makes ``det.exposure`` an EpicsSignal.
    if args:
        cls = self.resolve(args[0]).qual
        if cls is not None:
            return qval(canon(cls + "()"))
    return None


def _resolve_attrgetter(self, node, args):
    if len(args) == 1:
        name = self.resolve(args[0]).const
        if name:
            return Val("operator.attrgetter()", name)
    return UNKNOWN


def _resolve_methodcaller(self, node, args):
    if args:
        name = self.resolve(args[0]).const
        if name:
            return Val("operator.methodcaller()", name)
    return UNKNOWN


CALL_RESOLVERS = {
    "os.getenv": _resolve_getenv,
    "os.environ.get": _resolve_getenv,
    "ophyd.Component": _resolve_component,
    "ophyd.FormattedComponent": _resolve_component,
    "operator.attrgetter": _resolve_attrgetter,
    "operator.methodcaller": _resolve_methodcaller,
    "builtins.getattr": _resolve_getattr,
    "builtins.__import__": _resolve_dunder_import,
    "importlib.import_module": _resolve_import_module,
    "builtins.globals": _resolve_globals,
    "builtins.locals": _resolve_globals,
    "builtins.vars": _resolve_vars,
    "pathlib.Path": _resolve_path,
    "os.path.join": _resolve_os_path_join,
    "builtins.chr": _resolve_chr,
    "builtins.str": _resolve_str,
    "sys.modules.get": _resolve_dict_get,
    "sys.modules.pop": _resolve_dict_get,
    "sys.modules.__getitem__": _resolve_dict_get,
    "builtins.get": _resolve_dict_get,
    "os.path.dirname": _resolve_dirname,
    "glob.glob": _resolve_glob,
    "glob.iglob": _resolve_glob,
    "pathlib.Path().glob": _resolve_path_glob,
    "pathlib.Path().rglob": _resolve_path_glob,
    "pathlib.Path().iterdir": _resolve_path_glob,
    "os.listdir": _resolve_listdir,
    "os.walk": _resolve_walk,
    "builtins.list": _resolve_same_elements,
    "builtins.tuple": _resolve_same_elements,
    "builtins.set": _resolve_same_elements,
    "builtins.frozenset": _resolve_same_elements,
    "builtins.sorted": _resolve_same_elements,
    "builtins.reversed": _resolve_same_elements,
    "builtins.iter": _resolve_same_elements,
    "builtins.filter": _resolve_filter,
    "builtins.next": _resolve_next,
    "builtins.dict": _resolve_dict_call,
    "builtins.zip": _resolve_tuples,
    "builtins.enumerate": _resolve_tuples,
    "builtins.map": _resolve_map,
}
PATH_OBJECT = Val("pathlib.Path()")
R_PLUS = ast.Constant("r+")
# ``os.path.join(os.sep, "etc")``, ``os.path.join(os.pardir, "x")``.
CONSTANT_ATTRIBUTES = {"os.sep": Val(const="/"), "os.path.sep": Val(const="/"), "os.pardir": Val(const=".."),
                       "os.path.pardir": Val(const=".."), "os.curdir": Val(const="."),
                       "os.path.curdir": Val(const=".")}
OUTSIDE_ELEMENTS = Val(elem=Val(None, None, True))
INSIDE_ELEMENTS = Val(elem=Val(None, None, False, None, True))
LISTED_NAMES_ELEMENT = Val(None, None, False, None, True)
LISTED_NAMES = Val(elem=LISTED_NAMES_ELEMENT)


CALL_CHECKS = {
    "builtins.getattr": Analyzer.check_getattr,
    "builtins.__import__": Analyzer.check_import_call,
    "importlib.import_module": Analyzer.check_import_call,
    "numpy.load": Analyzer.check_numpy_load,
    "torch.load": Analyzer.check_torch_load,
    "yaml.load": Analyzer.check_yaml_load,
    "yaml.load_all": Analyzer.check_yaml_load,
    "os.putenv": Analyzer.check_putenv,
    "builtins.setattr": Analyzer.check_setattr,
    "builtins.delattr": Analyzer.check_setattr,
    "timeit.timeit": Analyzer.check_timeit,
    "timeit.repeat": Analyzer.check_timeit,
    "timeit.Timer": Analyzer.check_timeit,
    "urllib.request.urlretrieve": Analyzer.check_urlretrieve,
    "urllib.urlretrieve": Analyzer.check_urlretrieve,
    "shelve.open": Analyzer.check_shelve,
    "numpy.memmap": Analyzer.check_memmap,
}
CALL_CHECKS.update((name, Analyzer.check_tempfile) for name in TEMPFILE_DIR_POSITIONS)

RESOLVERS = {
    AST_NAME: Analyzer.resolve_name,
    AST_ATTRIBUTE: Analyzer.resolve_attribute,
    AST_CALL: Analyzer.resolve_call,
    AST_SUBSCRIPT: Analyzer.resolve_subscript,
    ast.BinOp: Analyzer.resolve_binop,
    ast.JoinedStr: Analyzer.resolve_joinedstr,
    AST_CONSTANT: Analyzer.resolve_constant,
    AST_LIST: Analyzer.resolve_sequence,
    AST_TUPLE: Analyzer.resolve_sequence,
    ast.Set: Analyzer.resolve_sequence,
    ast.ListComp: Analyzer.resolve_comprehension,
    ast.SetComp: Analyzer.resolve_comprehension,
    ast.GeneratorExp: Analyzer.resolve_comprehension,
    AST_DICTCOMP: Analyzer.resolve_comprehension,
    ast.Dict: Analyzer.resolve_dict,
    ast.IfExp: Analyzer.resolve_either,
    ast.BoolOp: Analyzer.resolve_either,
    ast.NamedExpr: Analyzer.resolve_inner,
    ast.Await: Analyzer.resolve_inner,
    AST_STARRED: Analyzer.resolve_inner,
}

DISPATCH = {
    ast.Import: Analyzer.visit_import,
    ast.ImportFrom: Analyzer.visit_import_from,
    ast.Assign: Analyzer.visit_assign,
    ast.AnnAssign: Analyzer.visit_ann_assign,
    ast.AugAssign: Analyzer.visit_aug_assign,
    ast.NamedExpr: Analyzer.visit_named_expr,
    ast.For: Analyzer.visit_for,
    ast.AsyncFor: Analyzer.visit_for,
    ast.With: Analyzer.visit_with,
    ast.AsyncWith: Analyzer.visit_with,
    ast.FunctionDef: Analyzer.visit_function,
    ast.AsyncFunctionDef: Analyzer.visit_function,
    ast.Lambda: Analyzer.visit_lambda,
    ast.Return: Analyzer.visit_return,
    ast.ClassDef: Analyzer.visit_class,
    ast.Global: Analyzer.visit_global,
    ast.ExceptHandler: Analyzer.visit_except_handler,
    ast.ListComp: Analyzer.visit_comprehension,
    ast.SetComp: Analyzer.visit_comprehension,
    ast.GeneratorExp: Analyzer.visit_comprehension,
    AST_DICTCOMP: Analyzer.visit_comprehension,
    ast.Delete: Analyzer.visit_delete,
    AST_ATTRIBUTE: Analyzer.visit_attribute,
    AST_SUBSCRIPT: Analyzer.visit_subscript,
    AST_CALL: Analyzer.visit_call,
    ast.If: Analyzer.visit_branching,
    ast.While: Analyzer.visit_branching,
    ast.Try: Analyzer.visit_branching,
    ast.IfExp: Analyzer.visit_branching,
}
for _name in ("TryStar", "Match"):
    if hasattr(ast, _name):
        DISPATCH[getattr(ast, _name)] = Analyzer.visit_branching


# ---------------------------------------------------------------------------------------------------------------


def syntax_issue(error, code):
    line = getattr(error, "lineno", None) or 1
    offset = getattr(error, "offset", None) or 1
    text = getattr(error, "text", None)
    issue = {"line": line, "column": max(offset - 1, 0), "message": getattr(error, "msg", None) or str(error)}
    end_line = getattr(error, "end_lineno", None)
    end_offset = getattr(error, "end_offset", None)
    if end_line:
        issue["endLine"] = end_line
    if end_offset:
        issue["endColumn"] = max(end_offset - 1, 0)
    if text:
        issue["text"] = text.rstrip("\r\n")[:500]
    return issue


def null_byte_issue(code, message):
    # Python reports no usable position for these (3.12 says line 1, column 0), so find the byte ourselves.
    position = code.find("\0")
    line = code.count("\n", 0, position) + 1 if position >= 0 else 1
    column = position - (code.rfind("\n", 0, position) + 1) if position >= 0 else 0
    return {"line": line, "column": column, "message": message}


def analyze(code, patterns):
    empty = {"syntaxValid": False, "findings": [], "imports": [], "assignsResults": False}
    if len(code) > MAX_CODE_CHARS:
        empty["syntaxErrors"] = [{"line": 1, "column": 0, "message": "the code is longer than %d characters"
                                  % MAX_CODE_CHARS}]
        return empty
    try:
        tree = ast.parse(code, "<generated code>", "exec")
    except SyntaxError as error:
        if "null byte" in str(error.msg):
            empty["syntaxErrors"] = [null_byte_issue(code, error.msg)]
        else:
            empty["syntaxErrors"] = [syntax_issue(error, code)]
        return empty
    except (ValueError, UnicodeError) as error:
        # Null bytes (a ValueError before 3.12) and lone surrogates cannot be compiled either.
        empty["syntaxErrors"] = [null_byte_issue(code, str(error))]
        return empty
    except (RecursionError, MemoryError):
        empty["syntaxErrors"] = [{"line": 1, "column": 0, "message": "the code is nested too deeply to parse"}]
        return empty

    analyzer = Analyzer(code, patterns)
    analyzer.run(tree)
    findings = sorted(analyzer.findings.values(), key=lambda f: (f["line"], f["column"], f["rule"]))
    for finding in findings:
        if finding["symbol"] is None:
            del finding["symbol"]
    return {
        "syntaxValid": True,
        "syntaxErrors": [],
        "findings": findings,
        "imports": sorted(name for name in analyzer.imports if name),
        "assignsResults": analyzer.assigns_results,
    }


_PATTERN_CACHE = {}


def compiled_patterns(raw):
    if not raw:
        return NO_PATTERNS
    key = json.dumps(raw, sort_keys=True)
    compiled = _PATTERN_CACHE.get(key)
    if compiled is None:
        if len(_PATTERN_CACHE) > 32:
            _PATTERN_CACHE.clear()
        compiled = CustomPatterns(raw)
        _PATTERN_CACHE[key] = compiled
    return compiled


def handle(line):
    try:
        request = json.loads(line)
    except ValueError as error:
        return {"id": None, "ok": False, "error": "the request is not JSON: %s" % error}
    if not isinstance(request, dict):
        return {"id": None, "ok": False, "error": "the request must be a JSON object"}
    request_id = request.get("id")
    code = request.get("code")
    if not isinstance(code, str):
        return {"id": request_id, "ok": False, "error": "the request has no string 'code'"}
    patterns = request.get("patterns")
    if patterns is not None and not isinstance(patterns, dict):
        return {"id": request_id, "ok": False, "error": "'patterns' must be an object with 'reads' and 'writes'"}
    try:
        return {"id": request_id, "ok": True, "result": analyze(code, compiled_patterns(patterns))}
    except Exception as error:  # a bug here must not take down the process that serves every other request
        return {"id": request_id, "ok": False, "error": "%s: %s" % (type(error).__name__, error)}


def main():
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 6000))
    out = sys.stdout
    out.write(json.dumps({"ready": True, "protocol": PROTOCOL, "python": list(sys.version_info[:3])}) + "\n")
    out.flush()
    for raw in sys.stdin.buffer:
        if not raw.strip():
            continue
        response = handle(raw)
        out.write(json.dumps(response) + "\n")
        out.flush()


if __name__ == "__main__":
    main()
