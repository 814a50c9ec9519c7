import type { FindingSeverity } from "./types";

/** A finding the analyzer must report for a corpus snippet: no more, no fewer. */
export interface ExpectedFinding {
  line: number;
  rule: string;
  severity: FindingSeverity;
}

/** One snippet of the analyzer corpus and exactly what the analyzer must find in it. */
export interface CorpusCase {
  name: string;
  code: string;
  expected: readonly ExpectedFinding[];
  /** The oldest Python (major, minor) whose grammar parses the snippet, when newer than 3.8 (`match` needs 3.10). */
  minPython?: readonly [number, number];
}

/**
 * Code the analyzer must flag, including the evasions a substring matcher misses: aliases, `getattr` with folded
 * names, `__import__`, `importlib`, `sys.modules`, callables passed as values or returned, star imports, modules
 * re-exported by other modules (`os.path.os`), class attributes, helper functions, containers (`zip`, `map`,
 * `dict.values()`), and control-system writes through every supported library. Each case lists every finding
 * expected, with its line. The later cases come from red-teaming the analyzer with LLM-style analysis code and
 * with accelerator-facility code (pyepics, p4p, caproto, pvaccess, Tango, ophyd, Bluesky).
 */
export const DANGEROUS_SNIPPETS: readonly CorpusCase[] = [
  {
    name: "os.system called directly",
    code: 'import os\nos.system("rm -rf /tmp/x")\nresults = {}',
    expected: [{ line: 2, rule: "process.os_system", severity: "high" }],
  },
  {
    name: "os imported under an alias",
    code: 'import os as o\no.system("ls")',
    expected: [{ line: 2, rule: "process.os_system", severity: "high" }],
  },
  {
    name: "os.system imported under an alias",
    code: 'from os import system as s\ns("id")',
    expected: [{ line: 2, rule: "process.os_system", severity: "high" }],
  },
  {
    name: "subprocess.run imported under an alias",
    code: 'from subprocess import run as r\nr(["ls", "-l"])',
    expected: [{ line: 2, rule: "process.subprocess", severity: "high" }],
  },
  {
    name: "subprocess.Popen with a shell",
    code: 'import subprocess\np = subprocess.Popen("ls", shell=True)\nout = p.communicate()',
    expected: [{ line: 2, rule: "process.subprocess", severity: "high" }],
  },
  {
    name: "subprocess inside a function",
    code: 'import subprocess as sp\n\ndef list_files():\n    return sp.check_output(["ls"])\n\nresults = {"files": list_files()}',
    expected: [{ line: 4, rule: "process.subprocess", severity: "high" }],
  },
  {
    name: "subprocess module bound to another name",
    code: 'import subprocess\nrunner = subprocess\nrunner.call(["ls"])',
    expected: [{ line: 3, rule: "process.subprocess", severity: "high" }],
  },
  {
    name: "getattr with concatenated name",
    code: 'import os\ngetattr(os, "sys" + "tem")("ls")',
    expected: [{ line: 2, rule: "process.os_system", severity: "high" }],
  },
  {
    name: "getattr with an f-string name",
    code: 'import os\nname = f"{\'sys\'}tem"\ngetattr(os, name)("ls")',
    expected: [{ line: 3, rule: "process.os_system", severity: "high" }],
  },
  {
    name: "getattr with a joined name",
    code: 'import os\ncmd = "".join(["sy", "st", "em"])\ngetattr(os, cmd)("id")',
    expected: [{ line: 3, rule: "process.os_system", severity: "high" }],
  },
  {
    name: "getattr with a reversed name",
    code: 'import builtins\ngetattr(builtins, "lave"[::-1])("1 + 1")',
    expected: [{ line: 2, rule: "dynamic.eval", severity: "high" }],
  },
  {
    name: "getattr with chr()",
    code: 'import os\ngetattr(os, chr(115) + "ystem")("id")',
    expected: [{ line: 2, rule: "process.os_system", severity: "high" }],
  },
  {
    name: "getattr with a name that cannot be folded",
    code: 'import os\nimport random\nfn = getattr(os, random.choice(["system", "popen"]))',
    expected: [{ line: 3, rule: "dynamic.getattr", severity: "high" }],
  },
  {
    name: "getattr of __import__",
    code: 'getattr(__import__("os"), "system")("id")',
    expected: [
      { line: 1, rule: "process.os_system", severity: "high" },
      { line: 1, rule: "dynamic.import", severity: "high" },
    ],
  },
  {
    name: "__import__ of subprocess",
    code: 'mod = __import__("subprocess")\nmod.run(["ls"])',
    expected: [
      { line: 1, rule: "dynamic.import", severity: "high" },
      { line: 2, rule: "process.subprocess", severity: "high" },
    ],
  },
  {
    name: "importlib.import_module with a folded name",
    code: 'import importlib\nimportlib.import_module("o" + "s").popen("ls")',
    expected: [
      { line: 2, rule: "dynamic.importlib", severity: "high" },
      { line: 2, rule: "process.os_popen", severity: "high" },
    ],
  },
  {
    name: "import_module under an alias",
    code: 'from importlib import import_module as im\nim("subprocess").run(["ls"])',
    expected: [
      { line: 2, rule: "dynamic.importlib", severity: "high" },
      { line: 2, rule: "process.subprocess", severity: "high" },
    ],
  },
  {
    name: "eval of a string",
    code: 'expr = "2 + 2"\nresults = {"v": eval(expr)}',
    expected: [{ line: 2, rule: "dynamic.eval", severity: "high" }],
  },
  {
    name: "exec of a string",
    code: 'code = "x = 1"\nexec(code)',
    expected: [{ line: 2, rule: "dynamic.exec", severity: "high" }],
  },
  {
    name: "compile then exec",
    code: 'c = compile("print(1)", "<s>", "exec")\nexec(c)',
    expected: [
      { line: 1, rule: "dynamic.compile", severity: "high" },
      { line: 2, rule: "dynamic.exec", severity: "high" },
    ],
  },
  {
    name: "builtins.eval",
    code: 'import builtins\nbuiltins.eval("1")',
    expected: [{ line: 2, rule: "dynamic.eval", severity: "high" }],
  },
  {
    name: "eval through getattr on builtins",
    code: 'import builtins\nf = getattr(builtins, "ev" + "al")\nf("1")',
    expected: [{ line: 3, rule: "dynamic.eval", severity: "high" }],
  },
  {
    name: "eval through globals()",
    code: 'globals()["__builtins__"]["exec"]("x = 1")',
    expected: [{ line: 1, rule: "dynamic.exec", severity: "high" }],
  },
  {
    name: "eval bound to another name",
    code: 'e = eval\ne("1")',
    expected: [{ line: 2, rule: "dynamic.eval", severity: "high" }],
  },
  {
    name: "eval through __builtins__ dict",
    code: 'import builtins\nbuiltins.__dict__["exec"]("y = 2")',
    expected: [{ line: 2, rule: "dynamic.exec", severity: "high" }],
  },
  {
    name: "open for writing at an absolute path",
    code: 'open("/etc/passwd", "w").write("x")',
    expected: [{ line: 1, rule: "filesystem.write", severity: "high" }],
  },
  {
    name: "open for appending above the folder",
    code: 'with open("../outside.txt", "a") as fh:\n    fh.write("x")',
    expected: [{ line: 1, rule: "filesystem.write", severity: "high" }],
  },
  {
    name: "open for writing at a computed path",
    code: 'def save(path):\n    with open(path, "w") as fh:\n        fh.write("x")',
    expected: [{ line: 2, rule: "filesystem.write", severity: "medium" }],
  },
  {
    name: "open with mode as keyword and x",
    code: 'open(file="/var/tmp/new.txt", mode="x")',
    expected: [{ line: 1, rule: "filesystem.write", severity: "high" }],
  },
  {
    name: "Path.write_text at an absolute path",
    code: 'from pathlib import Path\nPath("/etc/hosts").write_text("0.0.0.0 a")',
    expected: [{ line: 2, rule: "filesystem.write", severity: "high" }],
  },
  {
    name: "Path.home() write",
    code: 'from pathlib import Path\n(Path.home() / ".bashrc").write_text("alias ls=rm")',
    expected: [{ line: 2, rule: "filesystem.write", severity: "high" }],
  },
  {
    name: "Path.unlink climbing out",
    code: 'from pathlib import Path\np = Path("data")\n(p / ".." / ".." / "x").unlink()',
    expected: [{ line: 3, rule: "filesystem.delete", severity: "high" }],
  },
  {
    name: "shutil.rmtree at root",
    code: 'import shutil\nshutil.rmtree("/")',
    expected: [{ line: 2, rule: "filesystem.delete", severity: "high" }],
  },
  {
    name: "shutil.rmtree at an unknown path",
    code: "import shutil\nimport sys\nshutil.rmtree(sys.argv[1])",
    expected: [{ line: 3, rule: "filesystem.delete", severity: "medium" }],
  },
  {
    name: "shutil.move out of the folder",
    code: 'import shutil\nshutil.move("results.csv", "/srv/share/results.csv")',
    expected: [{ line: 2, rule: "filesystem.write", severity: "high" }],
  },
  {
    name: "os.remove at an absolute path",
    code: 'import os\nos.remove("/tmp/important.db")',
    expected: [{ line: 2, rule: "filesystem.delete", severity: "high" }],
  },
  {
    name: "os.unlink under an alias",
    code: 'from os import unlink as rm\nrm("../sibling/data.h5")',
    expected: [{ line: 2, rule: "filesystem.delete", severity: "high" }],
  },
  {
    name: "os.rename to an absolute path",
    code: 'import os\nos.rename("out.txt", "/etc/cron.d/job")',
    expected: [{ line: 2, rule: "filesystem.write", severity: "high" }],
  },
  {
    name: "os.popen",
    code: 'import os\nlisting = os.popen("ls").read()',
    expected: [{ line: 2, rule: "process.os_popen", severity: "high" }],
  },
  {
    name: "os.execv",
    code: 'import os\nos.execv("/bin/sh", ["sh"])',
    expected: [{ line: 2, rule: "process.os_exec", severity: "high" }],
  },
  {
    name: "os.spawnlp",
    code: 'import os\nos.spawnlp(os.P_WAIT, "ls", "ls")',
    expected: [{ line: 2, rule: "process.os_spawn", severity: "high" }],
  },
  {
    name: "os.fork and os.kill",
    code: "import os\npid = os.fork()\nif pid:\n    os.kill(pid, 9)",
    expected: [
      { line: 2, rule: "process.os_fork", severity: "high" },
      { line: 4, rule: "process.os_kill", severity: "high" },
    ],
  },
  {
    name: "pty.spawn",
    code: 'import pty\npty.spawn("/bin/bash")',
    expected: [{ line: 2, rule: "process.pty", severity: "high" }],
  },
  {
    name: "raw socket",
    code: 'import socket\ns = socket.socket(socket.AF_INET, socket.SOCK_STREAM)\ns.connect(("10.0.0.1", 4444))',
    expected: [{ line: 2, rule: "network.socket", severity: "high" }],
  },
  {
    name: "requests under an alias",
    code: 'import requests as rq\nr = rq.post("http://example.com", data={"a": 1})',
    expected: [{ line: 2, rule: "network.http", severity: "medium" }],
  },
  {
    name: "urllib.request.urlopen",
    code: 'from urllib.request import urlopen\npage = urlopen("http://example.com").read()',
    expected: [{ line: 2, rule: "network.http", severity: "medium" }],
  },
  {
    name: "ctypes loading libc",
    code: 'import ctypes\nlibc = ctypes.CDLL("libc.so.6")\nlibc.system(b"id")',
    expected: [{ line: 2, rule: "native.ctypes", severity: "high" }],
  },
  {
    name: "ctypes.cdll.LoadLibrary from-import",
    code: 'from ctypes import cdll\ncdll.LoadLibrary("libc.so.6")',
    expected: [{ line: 2, rule: "native.ctypes", severity: "high" }],
  },
  {
    name: "cffi",
    code: "import cffi\nffi = cffi.FFI()",
    expected: [{ line: 2, rule: "native.cffi", severity: "high" }],
  },
  {
    name: "pickle.loads",
    code: "import pickle\nobj = pickle.loads(blob)",
    expected: [{ line: 2, rule: "deserialization.pickle", severity: "high" }],
  },
  {
    name: "pickle.load of a file",
    code: 'import pickle\nwith open("model.pkl", "rb") as fh:\n    model = pickle.load(fh)',
    expected: [
      { line: 2, rule: "filesystem.read", severity: "low" },
      { line: 3, rule: "deserialization.pickle", severity: "high" },
    ],
  },
  {
    name: "marshal.loads",
    code: "import marshal\ncode = marshal.loads(data)",
    expected: [{ line: 2, rule: "deserialization.marshal", severity: "high" }],
  },
  {
    name: "dill.loads",
    code: "import dill\nf = dill.loads(payload)",
    expected: [{ line: 2, rule: "deserialization.dill", severity: "high" }],
  },
  {
    name: "sys.modules lookup",
    code: 'import sys\nsys.modules["os"].system("id")',
    expected: [
      { line: 2, rule: "dynamic.sys_modules_read", severity: "medium" },
      { line: 2, rule: "process.os_system", severity: "high" },
    ],
  },
  {
    name: "sys.modules.get lookup",
    code: 'import sys\nsys.modules.get("subprocess").run(["id"])',
    expected: [
      { line: 2, rule: "dynamic.sys_modules_read", severity: "medium" },
      { line: 2, rule: "process.subprocess", severity: "high" },
    ],
  },
  {
    name: "os.system passed to map",
    code: 'import os\ncmds = ["ls", "id"]\nlist(map(os.system, cmds))',
    expected: [{ line: 3, rule: "process.os_system", severity: "high" }],
  },
  {
    name: "subprocess.call as a thread target",
    code: 'import threading\nimport subprocess\nt = threading.Thread(target=subprocess.call, args=(["ls"],))\nt.start()',
    expected: [{ line: 3, rule: "process.subprocess", severity: "high" }],
  },
  {
    name: "star import of os",
    code: 'from os import *\nsystem("ls")',
    expected: [{ line: 2, rule: "process.os_system", severity: "high" }],
  },
  {
    name: "os.system in a comprehension",
    code: 'import os\ncodes = [os.system(c) for c in ["ls", "id"]]',
    expected: [{ line: 2, rule: "process.os_system", severity: "high" }],
  },
  {
    name: "os.system in a lambda",
    code: 'import os\nrun = lambda c: os.system(c)\nrun("ls")',
    expected: [{ line: 2, rule: "process.os_system", severity: "high" }],
  },
  {
    name: "asyncio subprocess",
    code: 'import asyncio\n\nasync def main():\n    proc = await asyncio.create_subprocess_exec("ls")\n    await proc.wait()',
    expected: [{ line: 4, rule: "process.asyncio_subprocess", severity: "high" }],
  },
  {
    name: "runpy.run_path",
    code: 'import runpy\nrunpy.run_path("/tmp/payload.py")',
    expected: [{ line: 2, rule: "dynamic.runpy", severity: "high" }],
  },
  {
    name: "monkeypatching os.system",
    code: "import os\nos.system = print",
    expected: [{ line: 2, rule: "dynamic.monkeypatch", severity: "high" }],
  },
  {
    name: "numpy.load with allow_pickle",
    code: 'import numpy as np\narr = np.load("data.npy", allow_pickle=True)',
    expected: [{ line: 2, rule: "deserialization.pickle", severity: "high" }],
  },
  {
    name: "yaml.load without SafeLoader",
    code: 'import yaml\ncfg = yaml.load(open("c.yml"))',
    expected: [
      { line: 2, rule: "deserialization.other", severity: "high" },
      { line: 2, rule: "filesystem.read", severity: "low" },
    ],
  },
  {
    name: "EPICS caput",
    code: 'from epics import caput\ncaput("SR:C01:MAG:SP", 1.5)\nresults = {"ok": True}',
    expected: [{ line: 2, rule: "epics.caput", severity: "medium" }],
  },
  {
    name: "EPICS caput under an alias",
    code: 'from epics import caput as w\nw("SR:C01:MAG:SP", 2.0)',
    expected: [{ line: 2, rule: "epics.caput", severity: "medium" }],
  },
  {
    name: "EPICS caput_many",
    code: 'import epics\nepics.caput_many(["A:SP", "B:SP"], [1, 2])',
    expected: [{ line: 2, rule: "epics.caput_many", severity: "medium" }],
  },
  {
    name: "EPICS PV.put through a variable",
    code: 'import epics\npv = epics.PV("SR:C01:MAG:SP")\npv.put(3.0, wait=True)',
    expected: [{ line: 3, rule: "epics.pv_put", severity: "medium" }],
  },
  {
    name: "EPICS PV.value assignment",
    code: 'from epics import PV\nmagnet = PV("SR:C01:MAG:SP")\nmagnet.value = 4.0',
    expected: [{ line: 3, rule: "epics.pv_put", severity: "medium" }],
  },
  {
    name: "EPICS PVs in a list",
    code: 'from epics import PV\npvs = [PV(n) for n in ["A:SP", "B:SP"]]\nfor pv in pvs:\n    pv.put(0)',
    expected: [{ line: 4, rule: "epics.pv_put", severity: "medium" }],
  },
  {
    name: "EPICS PV kept on self",
    code: 'import epics\n\nclass Magnet:\n    def __init__(self):\n        self.pv = epics.PV("SR:MAG:SP")\n\n    def set(self, v):\n        self.pv.put(v)',
    expected: [{ line: 8, rule: "epics.pv_put", severity: "medium" }],
  },
  {
    name: "pyepics module name",
    code: 'import pyepics as pe\npe.caput("X:SP", 1)',
    expected: [{ line: 2, rule: "epics.caput", severity: "medium" }],
  },
  {
    name: "p4p Context put",
    code: 'from p4p.client.thread import Context\nctxt = Context("pva")\nctxt.put("SR:MAG:SP", 1.0)',
    expected: [{ line: 3, rule: "p4p.put", severity: "medium" }],
  },
  {
    name: "caproto get_pvs write",
    code: 'from caproto.threading.client import Context\nctx = Context()\nsetpoint, readback = ctx.get_pvs("SR:SP", "SR:RB")\nsetpoint.write([1.0])',
    expected: [{ line: 4, rule: "caproto.write", severity: "medium" }],
  },
  {
    name: "pvaccess putDouble",
    code: 'import pvaccess\nch = pvaccess.Channel("SR:MAG:SP")\nch.putDouble(1.0)',
    expected: [{ line: 3, rule: "pvaccess.put", severity: "medium" }],
  },
  {
    name: "Tango write_attribute",
    code: 'import tango\ndev = tango.DeviceProxy("sys/tg_test/1")\ndev.write_attribute("double_scalar", 3.0)',
    expected: [{ line: 3, rule: "tango.write_attribute", severity: "medium" }],
  },
  {
    name: "Tango command_inout through PyTango",
    code: 'import PyTango\nPyTango.DeviceProxy("sys/tg_test/1").command_inout("SwitchStates")',
    expected: [{ line: 2, rule: "tango.command_inout", severity: "medium" }],
  },
  {
    name: "EPICS address list override",
    code: 'import os\nos.environ["EPICS_CA_ADDR_LIST"] = "10.0.0.255"\nimport epics',
    expected: [{ line: 2, rule: "environment.epics_override", severity: "high" }],
  },
  {
    name: "Tango attribute assignment",
    code: 'import tango\ndev = tango.DeviceProxy("sr/ps/q1")\ndev.current = 12.5',
    expected: [{ line: 3, rule: "tango.write_attribute", severity: "medium" }],
  },
  {
    name: "caproto sync client write",
    code: 'from caproto.sync.client import write as w\nw("SR:MAG:SP", 1.0)',
    expected: [{ line: 2, rule: "caproto.write", severity: "medium" }],
  },
  {
    name: "p4p put inside a with block",
    code: 'from p4p.client.thread import Context\nwith Context("pva") as ctx:\n    ctx.put("SR:SP", 2.0)',
    expected: [{ line: 3, rule: "p4p.put", severity: "medium" }],
  },
  {
    name: "os.system as a default argument",
    code: "import os\n\ndef run(cmd, runner=os.system):\n    return runner(cmd)",
    expected: [{ line: 4, rule: "process.os_system", severity: "high" }],
  },
  {
    name: "os.system from a dict of handlers",
    code: 'import os\nhandlers = {"run": os.system}\nhandlers["run"]("id")',
    expected: [{ line: 3, rule: "process.os_system", severity: "high" }],
  },
  {
    name: "os.system through a walrus",
    code: 'import os\n(run := os.system)("id")',
    expected: [{ line: 2, rule: "process.os_system", severity: "high" }],
  },
  {
    name: "eval passed to map",
    code: 'exprs = ["1 + 1", "2 * 3"]\nresults = {"v": list(map(eval, exprs))}',
    expected: [{ line: 2, rule: "dynamic.eval", severity: "high" }],
  },
  {
    name: "exec of a file's contents",
    code: 'exec(open("helper.py").read())',
    expected: [
      { line: 1, rule: "dynamic.exec", severity: "high" },
      { line: 1, rule: "filesystem.read", severity: "low" },
    ],
  },
  {
    name: "os module through globals()",
    code: 'import os\nglobals()["os"].system("id")',
    expected: [{ line: 2, rule: "process.os_system", severity: "high" }],
  },
  {
    name: "subprocess via a star import",
    code: 'from subprocess import *\ncheck_output(["id"])',
    expected: [{ line: 2, rule: "process.subprocess", severity: "high" }],
  },
  {
    name: "environment update",
    code: 'import os\nos.environ.update({"PATH": "/tmp"})',
    expected: [{ line: 2, rule: "environment.write", severity: "medium" }],
  },
  {
    name: "open for writing in the home folder",
    code: 'import os\nwith open(os.path.expanduser("~/.profile"), "a") as fh:\n    fh.write("x")',
    expected: [{ line: 2, rule: "filesystem.write", severity: "high" }],
  },
  {
    name: "operator.attrgetter evasion",
    code: 'import operator\nimport os\nrun = operator.attrgetter("sys" + "tem")(os)\nrun("id")',
    expected: [{ line: 4, rule: "process.os_system", severity: "high" }],
  },
  {
    name: "operator.methodcaller evasion",
    code: 'import operator\nimport subprocess\noperator.methodcaller("run", ["id"])(subprocess)',
    expected: [{ line: 3, rule: "process.subprocess", severity: "high" }],
  },
  {
    name: "setattr on builtins",
    code: 'import builtins\nsetattr(builtins, "print", lambda *a: None)',
    expected: [{ line: 2, rule: "dynamic.monkeypatch", severity: "high" }],
  },
  {
    name: "subclasses sandbox escape",
    code: 'classes = ().__class__.__bases__[0].__subclasses__()\nresults = {"n": len(classes)}',
    expected: [{ line: 1, rule: "dynamic.introspection", severity: "high" }],
  },
  {
    name: "function globals escape",
    code: 'def f():\n    pass\n\nb = f.__globals__["__builtins__"]',
    expected: [{ line: 4, rule: "dynamic.introspection", severity: "high" }],
  },
  {
    name: "timeit running a string",
    code: "import timeit\ntimeit.timeit(\"import os; os.system('id')\", number=1)",
    expected: [{ line: 2, rule: "dynamic.exec", severity: "high" }],
  },
  {
    name: "a subclass of epics.PV",
    code: 'import epics\n\nclass Magnet(epics.PV):\n    pass\n\nMagnet("SR:Q1:SP").put(2.0)',
    expected: [{ line: 6, rule: "epics.pv_put", severity: "medium" }],
  },
  {
    name: "tar extraction at the root",
    code: 'import tarfile\nwith tarfile.open("bundle.tar") as tf:\n    tf.extractall("/")',
    expected: [
      { line: 2, rule: "filesystem.read", severity: "low" },
      { line: 3, rule: "filesystem.write", severity: "high" },
    ],
  },
  {
    name: "os.system bound in one branch only",
    code: 'import os\nimport sys\nif len(sys.argv) > 5:\n    run = os.system\nelse:\n    run = print\nrun("id")',
    expected: [{ line: 7, rule: "process.os_system", severity: "high" }],
  },
  {
    name: "HDF5 file written outside the folder",
    code: 'import h5py\nwith h5py.File("/data/shared/out.h5", "w") as f:\n    f["x"] = [1, 2]',
    expected: [{ line: 2, rule: "filesystem.write", severity: "high" }],
  },
  {
    name: "os.system reached through os.path.os",
    code: 'import os.path\nos.path.os.system("id")',
    expected: [{ line: 2, rule: "process.os_system", severity: "high" }],
  },
  {
    name: "os.system reached through shutil.os",
    code: 'import shutil\nshutil.os.system("ls -la /")',
    expected: [{ line: 2, rule: "process.os_system", severity: "high" }],
  },
  {
    name: "os imported from pathlib's namespace",
    code: 'from pathlib import os as _os\nlisting = _os.popen("id").read()',
    expected: [{ line: 2, rule: "process.os_popen", severity: "high" }],
  },
  {
    name: "subprocess reached through webbrowser.subprocess",
    code: 'import webbrowser\nwebbrowser.subprocess.run(["id"])',
    expected: [{ line: 2, rule: "process.subprocess", severity: "high" }],
  },
  {
    name: "functools.partial of subprocess.run",
    code: 'import subprocess as sp\nfrom functools import partial\nrun = partial(sp.run, shell=True, check=True)\nrun("ls -l")\nresults = {}',
    expected: [{ line: 3, rule: "process.subprocess", severity: "high" }],
  },
  {
    name: "functools.partial(os.system) called inline",
    code: 'import functools\nimport os\nfunctools.partial(os.system, "id")()',
    expected: [{ line: 3, rule: "process.os_system", severity: "high" }],
  },
  {
    name: "os.popen mapped over commands",
    code: 'import os\nouts = [p.read() for p in map(os.popen, ["uname -a", "id"])]',
    expected: [{ line: 2, rule: "process.os_popen", severity: "high" }],
  },
  {
    name: "operator.attrgetter kept in a variable",
    code: 'import operator\nimport subprocess\ngetter = operator.attrgetter("check_output")\nout = getter(subprocess)(["id"])',
    expected: [{ line: 4, rule: "process.subprocess", severity: "high" }],
  },
  {
    name: "operator.methodcaller kept in a variable",
    code: 'import operator\nimport os\ncaller = operator.methodcaller("popen", "ls")\ncaller(os)',
    expected: [{ line: 4, rule: "process.os_popen", severity: "high" }],
  },
  {
    name: "os.system as a lambda default",
    code: 'import os\nrun = lambda cmd, f=os.system: f(cmd)\nrun("id")',
    expected: [{ line: 2, rule: "process.os_system", severity: "high" }],
  },
  {
    name: "subprocess.run through an identity decorator function",
    code: 'import subprocess\n\ndef register(fn):\n    return fn\n\nrunner = register(subprocess.run)\nrunner(["ls"])',
    expected: [{ line: 6, rule: "process.subprocess", severity: "high" }],
  },
  {
    name: "os.system registered with atexit",
    code: 'import atexit\nimport os\natexit.register(os.system, "rm -rf build")',
    expected: [{ line: 3, rule: "process.os_system", severity: "high" }],
  },
  {
    name: "subprocess function as a class attribute, called on the class",
    code: 'import subprocess\n\nclass Tool:\n    run = subprocess.check_output\n\nout = Tool.run(["id"])',
    expected: [{ line: 6, rule: "process.subprocess", severity: "high" }],
  },
  {
    name: "os.system as a class attribute, called on an instance",
    code: 'import os\n\nclass Tool:\n    shell = os.system\n\nTool().shell("id")',
    expected: [{ line: 6, rule: "process.os_system", severity: "high" }],
  },
  {
    name: "os.system stored in a type() namespace",
    code: 'import os\nT = type("T", (), {"run": staticmethod(os.system)})\nT.run("id")',
    expected: [{ line: 2, rule: "process.os_system", severity: "high" }],
  },
  {
    name: "os.system called from a decorated function",
    code: 'import functools\nimport os\n\n@functools.lru_cache(maxsize=None)\ndef shell(cmd):\n    return os.system(cmd)\n\nshell("id")',
    expected: [{ line: 6, rule: "process.os_system", severity: "high" }],
  },
  {
    name: "a decorator that runs a shell command",
    code: 'import subprocess\n\ndef logged(fn):\n    subprocess.call(["logger", fn.__name__])\n    return fn\n\n@logged\ndef work():\n    return 1',
    expected: [{ line: 4, rule: "process.subprocess", severity: "high" }],
  },
  {
    name: "asyncio.create_subprocess_shell",
    code: 'import asyncio\n\nasync def main():\n    proc = await asyncio.create_subprocess_shell("ls", stdout=asyncio.subprocess.PIPE)\n    out, _ = await proc.communicate()\n    return out\n\nasyncio.run(main())',
    expected: [{ line: 4, rule: "process.asyncio_subprocess", severity: "high" }],
  },
  {
    name: "asyncio.subprocess imported under an alias",
    code: 'from asyncio import subprocess as asp\n\nasync def go():\n    p = await asp.create_subprocess_exec("id")\n    await p.wait()',
    expected: [{ line: 4, rule: "process.asyncio_subprocess", severity: "high" }],
  },
  {
    name: "event loop subprocess_exec",
    code: 'import asyncio\n\nasync def go():\n    loop = asyncio.get_running_loop()\n    transport, proto = await loop.subprocess_exec(asyncio.SubprocessProtocol, "ls")',
    expected: [{ line: 5, rule: "process.asyncio_subprocess", severity: "high" }],
  },
  {
    name: "multiprocessing pool mapping os.system",
    code: 'import multiprocessing as mp\nimport os\nwith mp.Pool(2) as pool:\n    codes = pool.map(os.system, ["ls", "id"])',
    expected: [{ line: 4, rule: "process.os_system", severity: "high" }],
  },
  {
    name: "multiprocessing.Process with an os.system target",
    code: 'from multiprocessing import Process\nimport os\np = Process(target=os.system, args=("id",))\np.start()',
    expected: [{ line: 3, rule: "process.os_system", severity: "high" }],
  },
  {
    name: "ProcessPoolExecutor submitting subprocess.check_output",
    code: 'from concurrent.futures import ProcessPoolExecutor\nimport subprocess\nwith ProcessPoolExecutor() as ex:\n    fut = ex.submit(subprocess.check_output, ["id"])',
    expected: [{ line: 4, rule: "process.subprocess", severity: "high" }],
  },
  {
    name: "run_in_executor with os.system",
    code: 'import asyncio\nimport os\n\nasync def go():\n    loop = asyncio.get_running_loop()\n    await loop.run_in_executor(None, os.system, "ls")',
    expected: [{ line: 6, rule: "process.os_system", severity: "high" }],
  },
  {
    name: "webbrowser.open starts a browser process",
    code: 'import webbrowser\nwebbrowser.open("http://example.com/report.html")',
    expected: [{ line: 2, rule: "process.other", severity: "high" }],
  },
  {
    name: "pty.fork",
    code: "import pty\npid, fd = pty.fork()",
    expected: [{ line: 2, rule: "process.pty", severity: "high" }],
  },
  {
    name: "os.posix_spawnp",
    code: 'import os\nos.posix_spawnp("ls", ["ls"], dict(os.environ))',
    expected: [{ line: 2, rule: "process.os_spawn", severity: "high" }],
  },
  {
    name: "subprocess star import bound to another name",
    code: 'from subprocess import *\nrunner = getoutput\nrunner("id")',
    expected: [{ line: 3, rule: "process.subprocess", severity: "high" }],
  },
  {
    name: "os.system through __import__ with a fromlist",
    code: 'system = __import__("os", fromlist=["system"]).system\nsystem("id")',
    expected: [
      { line: 1, rule: "dynamic.import", severity: "high" },
      { line: 2, rule: "process.os_system", severity: "high" },
    ],
  },
  {
    name: "importlib.__import__",
    code: 'import importlib\nimportlib.__import__("subprocess").run(["id"])',
    expected: [
      { line: 2, rule: "dynamic.import", severity: "high" },
      { line: 2, rule: "process.subprocess", severity: "high" },
    ],
  },
  {
    name: "os.popen from a dict literal's get",
    code: 'import os\nrun = {"sh": os.popen}.get("sh")\nrun("id")',
    expected: [{ line: 3, rule: "process.os_popen", severity: "high" }],
  },
  {
    name: "os.system through next(iter(...))",
    code: 'import os\nf = next(iter([os.system]))\nf("id")',
    expected: [{ line: 3, rule: "process.os_system", severity: "high" }],
  },
  {
    name: "os.system picked from a list by index after list()",
    code: 'import os\nhandlers = list([os.system, os.system])\nhandlers[0]("id")',
    expected: [{ line: 3, rule: "process.os_system", severity: "high" }],
  },
  {
    name: "os.execvp replacing the process",
    code: 'import os\nos.execvp("sh", ["sh", "-c", "id"])',
    expected: [{ line: 2, rule: "process.os_exec", severity: "high" }],
  },
  {
    name: "os.spawnv",
    code: 'import os\nos.spawnv(os.P_NOWAIT, "/bin/ls", ["ls"])',
    expected: [{ line: 2, rule: "process.os_spawn", severity: "high" }],
  },
  {
    name: "subprocess.getoutput under a module alias",
    code: 'import subprocess as s\ntext = s.getoutput("uname -a")',
    expected: [{ line: 2, rule: "process.subprocess", severity: "high" }],
  },
  {
    name: "sorted with os.system as the key",
    code: 'import os\norder = sorted(["ls", "id"], key=os.system)',
    expected: [{ line: 2, rule: "process.os_system", severity: "high" }],
  },
  {
    name: "builtins.__dict__ with a concatenated key",
    code: 'import builtins\nbuiltins.__dict__["ex" + "ec"]("print(1)")',
    expected: [{ line: 2, rule: "dynamic.exec", severity: "high" }],
  },
  {
    name: "getattr on __builtins__ with a folded name",
    code: 'fn = getattr(__builtins__, "ev" + "al")\nresults = {"v": fn("6 * 7")}',
    expected: [{ line: 2, rule: "dynamic.eval", severity: "high" }],
  },
  {
    name: "vars(os) lookup",
    code: 'import os\nvars(os)["system"]("whoami")',
    expected: [{ line: 2, rule: "process.os_system", severity: "high" }],
  },
  {
    name: "globals()['__builtins__'].exec",
    code: 'runner = globals()["__builtins__"].exec\nrunner("x = 1")',
    expected: [{ line: 2, rule: "dynamic.exec", severity: "high" }],
  },
  {
    name: "sys.modules bound to a name",
    code: 'import sys\nmods = sys.modules\nmods["os"].system("id")',
    expected: [
      { line: 3, rule: "dynamic.sys_modules_read", severity: "medium" },
      { line: 3, rule: "process.os_system", severity: "high" },
    ],
  },
  {
    name: "sys.modules['builtins'].eval",
    code: 'import sys\nsys.modules["builtins"].eval("1 + 1")',
    expected: [
      { line: 2, rule: "dynamic.eval", severity: "high" },
      { line: 2, rule: "dynamic.sys_modules_read", severity: "medium" },
    ],
  },
  {
    name: "exec through builtins.__dict__.get",
    code: 'import builtins\nrunner = builtins.__dict__.get("exec")\nrunner("x = 2")',
    expected: [{ line: 3, rule: "dynamic.exec", severity: "high" }],
  },
  {
    name: "compile then eval of the code object",
    code: 'code_obj = compile("sum([1, 2])", "<expr>", "eval")\nresults = {"v": eval(code_obj)}',
    expected: [
      { line: 1, rule: "dynamic.compile", severity: "high" },
      { line: 2, rule: "dynamic.eval", severity: "high" },
    ],
  },
  {
    name: "__builtins__ as a dict or a module",
    code: 'b = __builtins__\nex = b["exec"] if isinstance(b, dict) else b.exec\nex("y = 3")',
    expected: [{ line: 3, rule: "dynamic.exec", severity: "high" }],
  },
  {
    name: "eval as a lambda default argument",
    code: 'calc = lambda expr, ev=eval: ev(expr)\nresults = {"v": calc("2 ** 8")}',
    expected: [{ line: 1, rule: "dynamic.eval", severity: "high" }],
  },
  {
    name: "eval as a class attribute used from a method",
    code: 'class Calc:\n    evaluate = eval\n\n    def go(self, s):\n        return self.evaluate(s)\n\nresults = {"v": Calc().go("1 + 1")}',
    expected: [{ line: 5, rule: "dynamic.eval", severity: "high" }],
  },
  {
    name: "exec as a class attribute called on the class",
    code: 'class Runner:\n    go = exec\n\nRunner.go("x = 1")',
    expected: [{ line: 4, rule: "dynamic.exec", severity: "high" }],
  },
  {
    name: "eval mapped over expressions with a partial",
    code: 'from functools import partial\nev = partial(eval, globals=None)\nvalues = [ev(e) for e in ["1", "2"]]',
    expected: [{ line: 2, rule: "dynamic.eval", severity: "high" }],
  },
  {
    name: "importlib.util loading a file",
    code: 'import importlib.util\nspec = importlib.util.spec_from_file_location("helper", "/tmp/helper.py")\nmod = importlib.util.module_from_spec(spec)\nspec.loader.exec_module(mod)',
    expected: [
      { line: 2, rule: "dynamic.importlib", severity: "high" },
      { line: 3, rule: "dynamic.importlib", severity: "high" },
    ],
  },
  {
    name: "import_module with a computed name",
    code: 'from importlib import import_module\nsp = import_module("sub" + "process")\nsp.Popen(["ls"])',
    expected: [
      { line: 2, rule: "dynamic.importlib", severity: "high" },
      { line: 3, rule: "process.subprocess", severity: "high" },
    ],
  },
  {
    name: "runpy.run_module under an alias",
    code: 'from runpy import run_module as rm\nrm("http.server", run_name="__main__")',
    expected: [{ line: 2, rule: "dynamic.runpy", severity: "high" }],
  },
  {
    name: "code.InteractiveInterpreter().runsource",
    code: "import code\ncode.InteractiveInterpreter().runsource(\"import os; os.system('id')\")",
    expected: [{ line: 2, rule: "dynamic.exec", severity: "high" }],
  },
  {
    name: "code.InteractiveConsole push",
    code: 'from code import InteractiveConsole\nconsole = InteractiveConsole(locals())\nconsole.push("print(1)")',
    expected: [{ line: 2, rule: "dynamic.exec", severity: "high" }],
  },
  {
    name: "code.interact with locals",
    code: "import code\ncode.interact(local=dict(globals(), **locals()))",
    expected: [{ line: 2, rule: "dynamic.exec", severity: "high" }],
  },
  {
    name: "types.FunctionType from a compiled string",
    code: 'import types\nf = types.FunctionType(compile("1", "<s>", "eval"), {})',
    expected: [
      { line: 2, rule: "dynamic.code_object", severity: "high" },
      { line: 2, rule: "dynamic.compile", severity: "high" },
    ],
  },
  {
    name: "exec through operator.methodcaller on builtins",
    code: 'import builtins\nimport operator\noperator.methodcaller("exec", "x = 1")(builtins)',
    expected: [{ line: 3, rule: "dynamic.exec", severity: "high" }],
  },
  {
    name: "getattr of the epics module's caput with a folded name",
    code: 'import epics\ngetattr(epics, "ca" + "put")("SR:MAG:SP", 1)',
    expected: [{ line: 2, rule: "epics.caput", severity: "medium" }],
  },
  {
    name: "shutil.rmtree of a home subfolder",
    code: 'import shutil\nfrom pathlib import Path\nshutil.rmtree(Path.home() / "datasets")',
    expected: [{ line: 3, rule: "filesystem.delete", severity: "high" }],
  },
  {
    name: "shutil.copy into /etc",
    code: 'import shutil\nshutil.copy("crontab.txt", "/etc/cron.d/backup")',
    expected: [{ line: 2, rule: "filesystem.write", severity: "high" }],
  },
  {
    name: "shutil.copytree into the home folder",
    code: 'import os\nimport shutil\nshutil.copytree("figures", os.path.join(os.path.expanduser("~"), "figures"))',
    expected: [{ line: 3, rule: "filesystem.write", severity: "high" }],
  },
  {
    name: "Path with an absolute base then write_text",
    code: 'from pathlib import Path\nlog = Path("/var/log") / "analysis.log"\nlog.write_text("done")',
    expected: [{ line: 3, rule: "filesystem.write", severity: "high" }],
  },
  {
    name: "Path.unlink in /tmp",
    code: 'from pathlib import Path\nPath("/tmp/cache.db").unlink(missing_ok=True)',
    expected: [{ line: 2, rule: "filesystem.delete", severity: "high" }],
  },
  {
    name: "os.replace onto a system file",
    code: 'import os\nos.replace("new.cfg", "/etc/app.cfg")',
    expected: [{ line: 2, rule: "filesystem.write", severity: "high" }],
  },
  {
    name: "io.open for writing outside",
    code: 'import io\nwith io.open("/etc/motd", "w", encoding="utf-8") as fh:\n    fh.write("hi")',
    expected: [{ line: 2, rule: "filesystem.write", severity: "high" }],
  },
  {
    name: "codecs.open appending in the home folder",
    code: 'import codecs\nfh = codecs.open("~/notes.txt", "a", "utf-8")\nfh.write("x")',
    expected: [{ line: 2, rule: "filesystem.write", severity: "high" }],
  },
  {
    name: "tempfile.NamedTemporaryFile in /etc",
    code: 'import tempfile\ntmp = tempfile.NamedTemporaryFile(dir="/etc", delete=False)\ntmp.write(b"x")',
    expected: [{ line: 2, rule: "filesystem.write", severity: "high" }],
  },
  {
    name: "tempfile.mkstemp in a system folder",
    code: 'import tempfile\nfd, path = tempfile.mkstemp(suffix=".sh", dir="/usr/local/bin")',
    expected: [{ line: 2, rule: "filesystem.write", severity: "high" }],
  },
  {
    name: "writing into tempfile.gettempdir()",
    code: 'import os\nimport tempfile\nwith open(os.path.join(tempfile.gettempdir(), "payload.sh"), "w") as fh:\n    fh.write("#!/bin/sh")',
    expected: [{ line: 3, rule: "filesystem.write", severity: "high" }],
  },
  {
    name: "writing into tempfile.mkdtemp()",
    code: 'import tempfile\nfrom pathlib import Path\nscratch = Path(tempfile.mkdtemp())\n(scratch / "x.txt").write_text("x")',
    expected: [{ line: 4, rule: "filesystem.write", severity: "high" }],
  },
  {
    name: "os.rename with a computed absolute destination",
    code: 'import os\nname = "report.csv"\nos.rename(name, "/srv/share/" + name)',
    expected: [{ line: 3, rule: "filesystem.write", severity: "high" }],
  },
  {
    name: "builtins.open appending to /etc/hosts",
    code: 'import builtins\nbuiltins.open("/etc/hosts", "a").write("1.2.3.4 x")',
    expected: [{ line: 2, rule: "filesystem.write", severity: "high" }],
  },
  {
    name: "DataFrame.to_csv into /tmp",
    code: 'import pandas as pd\ndf = pd.DataFrame({"a": [1]})\ndf.to_csv("/tmp/export.csv")',
    expected: [{ line: 3, rule: "filesystem.write", severity: "high" }],
  },
  {
    name: "np.savetxt into a home folder",
    code: 'import numpy as np\nnp.savetxt("/home/user/x.txt", np.arange(3))',
    expected: [{ line: 2, rule: "filesystem.write", severity: "high" }],
  },
  {
    name: "savefig onto the Desktop",
    code: 'import os\nimport matplotlib.pyplot as plt\nplt.plot([1, 2])\nplt.savefig(os.path.expanduser("~/Desktop/plot.png"))',
    expected: [{ line: 4, rule: "filesystem.write", severity: "high" }],
  },
  {
    name: "json.dump to an absolute path",
    code: 'import json\njson.dump({"a": 1}, open("/etc/app.json", "w"))',
    expected: [{ line: 2, rule: "filesystem.write", severity: "high" }],
  },
  {
    name: "csv.writer on a file outside",
    code: 'import csv\nwith open("/tmp/out.csv", "w", newline="") as fh:\n    csv.writer(fh).writerow([1, 2])',
    expected: [{ line: 2, rule: "filesystem.write", severity: "high" }],
  },
  {
    name: "os.remove over a glob of an absolute folder",
    code: 'import glob\nimport os\nfor f in glob.glob("/var/log/*.log"):\n    os.remove(f)',
    expected: [{ line: 4, rule: "filesystem.delete", severity: "high" }],
  },
  {
    name: "Path.glob under an absolute folder then unlink",
    code: 'from pathlib import Path\nfor p in Path("/data/shared").glob("*.tmp"):\n    p.unlink()',
    expected: [{ line: 3, rule: "filesystem.delete", severity: "high" }],
  },
  {
    name: "os.remove mapped over an absolute glob",
    code: 'import glob\nimport os\nlist(map(os.remove, glob.glob("/tmp/*.csv")))',
    expected: [{ line: 3, rule: "filesystem.delete", severity: "high" }],
  },
  {
    name: "os.chmod on a system binary",
    code: 'import os\nos.chmod("/usr/local/bin/tool", 0o777)',
    expected: [{ line: 2, rule: "filesystem.write", severity: "high" }],
  },
  {
    name: "os.symlink to a system file, then writing through it",
    code: 'import os\nos.symlink("/etc/passwd", "passwd_link")\nopen("passwd_link", "a").write("x")',
    expected: [{ line: 2, rule: "filesystem.write", severity: "high" }],
  },
  {
    name: "Path.symlink_to a system folder",
    code: 'from pathlib import Path\nPath("etc_link").symlink_to("/etc")',
    expected: [{ line: 2, rule: "filesystem.write", severity: "high" }],
  },
  {
    name: "zipfile extractall into /opt",
    code: 'import zipfile\nwith zipfile.ZipFile("bundle.zip") as zf:\n    zf.extractall("/opt/app")',
    expected: [
      { line: 2, rule: "filesystem.read", severity: "low" },
      { line: 3, rule: "filesystem.write", severity: "high" },
    ],
  },
  {
    name: "shutil.unpack_archive into /usr/local",
    code: 'import shutil\nshutil.unpack_archive("tools.tar.gz", "/usr/local")',
    expected: [{ line: 2, rule: "filesystem.write", severity: "high" }],
  },
  {
    name: "shutil.make_archive in /tmp",
    code: 'import shutil\nshutil.make_archive("/tmp/backup", "zip", ".")',
    expected: [{ line: 2, rule: "filesystem.write", severity: "high" }],
  },
  {
    name: "os.makedirs under /opt",
    code: 'import os\nos.makedirs("/opt/app/data", exist_ok=True)',
    expected: [{ line: 2, rule: "filesystem.write", severity: "high" }],
  },
  {
    name: "Path.expanduser before write_text",
    code: 'from pathlib import Path\nPath("~/.ssh/authorized_keys").expanduser().write_text("ssh-rsa AAA")',
    expected: [{ line: 2, rule: "filesystem.write", severity: "high" }],
  },
  {
    name: "open on Path.home() for appending",
    code: 'from pathlib import Path\nwith open(Path.home() / ".bashrc", "a") as fh:\n    fh.write("alias ls=rm")',
    expected: [{ line: 2, rule: "filesystem.write", severity: "high" }],
  },
  {
    name: "writing next to the execution folder through Path.cwd().parent",
    code: 'from pathlib import Path\n(Path.cwd().parent / "sibling.txt").write_text("x")',
    expected: [{ line: 2, rule: "filesystem.write", severity: "high" }],
  },
  {
    name: "shutil.rmtree of a sibling through os.getcwd()",
    code: 'import os\nimport shutil\nshutil.rmtree(os.path.join(os.getcwd(), "..", "other_run"))',
    expected: [{ line: 3, rule: "filesystem.delete", severity: "high" }],
  },
  {
    name: "urlretrieve into a system folder",
    code: 'import urllib.request\nurllib.request.urlretrieve("http://example.com/tool", "/usr/local/bin/tool")',
    expected: [
      { line: 2, rule: "filesystem.write", severity: "high" },
      { line: 2, rule: "network.http", severity: "medium" },
    ],
  },
  {
    name: "rmtree from a shutil star import",
    code: 'from shutil import *\nrmtree("/data")',
    expected: [{ line: 2, rule: "filesystem.delete", severity: "high" }],
  },
  {
    name: "Path from a pathlib star import",
    code: 'from pathlib import *\nPath("/etc/issue").write_text("x")',
    expected: [{ line: 2, rule: "filesystem.write", severity: "high" }],
  },
  {
    name: "os.truncate of a system log",
    code: 'import os\nos.truncate("/var/log/syslog", 0)',
    expected: [{ line: 2, rule: "filesystem.write", severity: "high" }],
  },
  {
    name: "socket.create_connection under an alias",
    code: 'from socket import create_connection as cc\nconn = cc(("example.com", 80))\nconn.sendall(b"GET / HTTP/1.0\\r\\n\\r\\n")',
    expected: [{ line: 2, rule: "network.socket", severity: "high" }],
  },
  {
    name: "socket class imported by name",
    code: 'from socket import socket, AF_INET, SOCK_DGRAM\ns = socket(AF_INET, SOCK_DGRAM)\ns.sendto(b"x", ("10.0.0.1", 9999))',
    expected: [{ line: 2, rule: "network.socket", severity: "high" }],
  },
  {
    name: "http.server serving the folder",
    code: 'from http.server import HTTPServer, SimpleHTTPRequestHandler\nHTTPServer(("", 8000), SimpleHTTPRequestHandler).serve_forever()',
    expected: [{ line: 2, rule: "network.server", severity: "high" }],
  },
  {
    name: "socketserver.TCPServer",
    code: 'import socketserver\n\nclass Echo(socketserver.BaseRequestHandler):\n    def handle(self):\n        self.request.sendall(self.request.recv(1024))\n\nwith socketserver.TCPServer(("0.0.0.0", 9000), Echo) as srv:\n    srv.serve_forever()',
    expected: [{ line: 7, rule: "network.server", severity: "high" }],
  },
  {
    name: "xmlrpc server",
    code: 'from xmlrpc.server import SimpleXMLRPCServer\nserver = SimpleXMLRPCServer(("0.0.0.0", 8000))\nserver.register_function(pow)\nserver.serve_forever()',
    expected: [{ line: 2, rule: "network.server", severity: "high" }],
  },
  {
    name: "urllib.request.urlopen under a module alias",
    code: 'import urllib.request as ur\ndata = ur.urlopen("http://example.com/data.json").read()',
    expected: [{ line: 2, rule: "network.http", severity: "medium" }],
  },
  {
    name: "ctypes.CDLL(None)",
    code: 'import ctypes\nlibc = ctypes.CDLL(None)\nlibc.system(b"id")',
    expected: [{ line: 2, rule: "native.ctypes", severity: "high" }],
  },
  {
    name: "ctypes.cdll subscripted by library name",
    code: 'import ctypes\nlibc = ctypes.cdll["libc.so.6"]\nlibc.system(b"id")',
    expected: [{ line: 2, rule: "native.ctypes", severity: "high" }],
  },
  {
    name: "ctypes star import",
    code: 'from ctypes import *\nlibc = CDLL("libc.so.6")',
    expected: [{ line: 2, rule: "native.ctypes", severity: "high" }],
  },
  {
    name: "ctypes.pythonapi",
    code: 'import ctypes\nctypes.pythonapi.PyRun_SimpleString(b"print(1)")',
    expected: [{ line: 2, rule: "native.ctypes", severity: "high" }],
  },
  {
    name: "cffi dlopen",
    code: 'from cffi import FFI\nffi = FFI()\nffi.cdef("int system(const char *);")\nlib = ffi.dlopen(None)\nlib.system(b"id")',
    expected: [{ line: 2, rule: "native.cffi", severity: "high" }],
  },
  {
    name: "pickle.Unpickler on a file",
    code: 'import pickle\nwith open("state.pkl", "rb") as fh:\n    state = pickle.Unpickler(fh).load()',
    expected: [
      { line: 2, rule: "filesystem.read", severity: "low" },
      { line: 3, rule: "deserialization.pickle", severity: "high" },
    ],
  },
  {
    name: "pickle.loads under an alias",
    code: "from pickle import loads as L\nobj = L(blob)",
    expected: [{ line: 2, rule: "deserialization.pickle", severity: "high" }],
  },
  {
    name: "pickle._loads, the pure-Python unpickler",
    code: "import pickle\nobj = pickle._loads(payload)",
    expected: [{ line: 2, rule: "deserialization.pickle", severity: "high" }],
  },
  {
    name: "_pickle.loads",
    code: "import _pickle\nobj = _pickle.loads(payload)",
    expected: [{ line: 2, rule: "deserialization.pickle", severity: "high" }],
  },
  {
    name: "dill.load from a file",
    code: 'import dill as d\nwith open("fn.dill", "rb") as fh:\n    fn = d.load(fh)',
    expected: [
      { line: 2, rule: "filesystem.read", severity: "low" },
      { line: 3, rule: "deserialization.dill", severity: "high" },
    ],
  },
  {
    name: "marshal.loads then exec",
    code: "import marshal\nexec(marshal.loads(blob))",
    expected: [
      { line: 2, rule: "deserialization.marshal", severity: "high" },
      { line: 2, rule: "dynamic.exec", severity: "high" },
    ],
  },
  {
    name: "shelve.open",
    code: 'import shelve\nwith shelve.open("cache") as db:\n    model = db["model"]',
    expected: [{ line: 2, rule: "deserialization.shelve", severity: "high" }],
  },
  {
    name: "yaml.load with yaml.Loader",
    code: "import yaml\ncfg = yaml.load(text, Loader=yaml.Loader)",
    expected: [{ line: 2, rule: "deserialization.other", severity: "high" }],
  },
  {
    name: "yaml.unsafe_load imported by name",
    code: "from yaml import unsafe_load\ndata = unsafe_load(stream)",
    expected: [{ line: 2, rule: "deserialization.other", severity: "high" }],
  },
  {
    name: "yaml.full_load",
    code: 'import yaml\nwith open("cfg.yml") as fh:\n    cfg = yaml.full_load(fh)',
    expected: [
      { line: 2, rule: "filesystem.read", severity: "low" },
      { line: 3, rule: "deserialization.other", severity: "high" },
    ],
  },
  {
    name: "numpy.load with allow_pickle passed by position",
    code: 'import numpy as np\nobj = np.load("objects.npy", None, True)',
    expected: [{ line: 2, rule: "deserialization.pickle", severity: "high" }],
  },
  {
    name: "torch.load of a checkpoint",
    code: 'import torch\nstate = torch.load("checkpoint.pt", map_location="cpu")',
    expected: [{ line: 2, rule: "deserialization.pickle", severity: "high" }],
  },
  {
    name: "pandas.read_pickle",
    code: 'import pandas as pd\ndf = pd.read_pickle("frame.pkl")',
    expected: [{ line: 2, rule: "deserialization.pickle", severity: "high" }],
  },
  {
    name: "joblib.load of a model",
    code: 'import joblib\nmodel = joblib.load("model.joblib")',
    expected: [{ line: 2, rule: "deserialization.pickle", severity: "high" }],
  },
  {
    name: "pickle.loads mapped over blobs",
    code: "import pickle\nobjs = list(map(pickle.loads, blobs))",
    expected: [{ line: 2, rule: "deserialization.pickle", severity: "high" }],
  },
  {
    name: "caput imported as c, with wait",
    code: 'from epics import caput as c\nc("SR:C02:MAG:SP", 0.5, wait=True)',
    expected: [{ line: 2, rule: "epics.caput", severity: "medium" }],
  },
  {
    name: "epics.PV(...).put chained",
    code: 'import epics\nepics.PV("SR:C03:MAG:SP").put(1.2, wait=True)',
    expected: [{ line: 2, rule: "epics.pv_put", severity: "medium" }],
  },
  {
    name: "PV(...).value assigned without a variable",
    code: 'from epics import PV\nPV("SR:C03:MAG:SP").value = 3',
    expected: [{ line: 2, rule: "epics.pv_put", severity: "medium" }],
  },
  {
    name: "caput passed to map",
    code: 'from epics import caput\nlist(map(caput, ["A:SP", "B:SP"], [1.0, 2.0]))',
    expected: [{ line: 2, rule: "epics.caput", severity: "medium" }],
  },
  {
    name: "caput bound in functools.partial",
    code: 'from functools import partial\nimport epics\nset_current = partial(epics.caput, "SR:PS:Q1:SP")\nset_current(12.5)',
    expected: [{ line: 3, rule: "epics.caput", severity: "medium" }],
  },
  {
    name: "caput as a thread target",
    code: 'import threading\nfrom epics import caput\nthreading.Thread(target=caput, args=("SR:SP", 1)).start()',
    expected: [{ line: 3, rule: "epics.caput", severity: "medium" }],
  },
  {
    name: "PVs zipped with values",
    code: 'from epics import PV\npvs = [PV("A:SP"), PV("B:SP")]\nfor pv, value in zip(pvs, [1.0, 2.0]):\n    pv.put(value)',
    expected: [{ line: 4, rule: "epics.pv_put", severity: "medium" }],
  },
  {
    name: "PVs made with map",
    code: 'from epics import PV\nnames = ["A:SP", "B:SP"]\nfor pv in list(map(PV, names)):\n    pv.put(0)',
    expected: [{ line: 4, rule: "epics.pv_put", severity: "medium" }],
  },
  {
    name: "PVs in a dict comprehension, iterated with values()",
    code: 'from epics import PV\npvs = {n: PV(n) for n in ["A:SP", "B:SP"]}\nfor pv in pvs.values():\n    pv.put(0)',
    expected: [{ line: 4, rule: "epics.pv_put", severity: "medium" }],
  },
  {
    name: "PVs in a dict, iterated with items()",
    code: 'import epics\npvs = {"q1": epics.PV("Q1:SP"), "q2": epics.PV("Q2:SP")}\nfor name, pv in pvs.items():\n    pv.value = 0',
    expected: [{ line: 4, rule: "epics.pv_put", severity: "medium" }],
  },
  {
    name: "PV taken from a dict with get()",
    code: 'from epics import PV\npvs = {n: PV(n) for n in ["Q1:SP"]}\npvs.get("Q1:SP").put(1)',
    expected: [{ line: 3, rule: "epics.pv_put", severity: "medium" }],
  },
  {
    name: "setattr of value on a PV",
    code: 'from epics import PV\npv = PV("SR:MAG:SP")\nsetattr(pv, "value", 2.5)',
    expected: [{ line: 3, rule: "epics.pv_put", severity: "medium" }],
  },
  {
    name: "enumerate over PVs",
    code: 'import epics\nfor i, pv in enumerate([epics.PV("A"), epics.PV("B")]):\n    pv.put(i)',
    expected: [{ line: 3, rule: "epics.pv_put", severity: "medium" }],
  },
  {
    name: "epics.ca.put on a channel",
    code: 'from epics import ca\nchid = ca.create_channel("SR:MAG:SP")\nca.put(chid, 1.0)',
    expected: [{ line: 3, rule: "epics.caput", severity: "medium" }],
  },
  {
    name: "epics Motor move",
    code: 'from epics import Motor\nm = Motor("IOC:m1")\nm.move(10.0, wait=True)',
    expected: [{ line: 3, rule: "epics.motor_write", severity: "medium" }],
  },
  {
    name: "get_pv then put",
    code: 'from epics import get_pv\npv = get_pv("SR:MAG:SP")\npv.put(2)',
    expected: [{ line: 3, rule: "epics.pv_put", severity: "medium" }],
  },
  {
    name: "PV kept as a class attribute",
    code: 'from epics import PV\n\nclass Beamline:\n    shutter = PV("BL:SHUTTER:CMD")\n\n    def close(self):\n        self.shutter.put(0)',
    expected: [{ line: 7, rule: "epics.pv_put", severity: "medium" }],
  },
  {
    name: "caput imported inside a function",
    code: 'def apply(value):\n    from epics import caput\n    caput("SR:MAG:SP", value)',
    expected: [{ line: 3, rule: "epics.caput", severity: "medium" }],
  },
  {
    name: "epics imported through __import__",
    code: 'ep = __import__("epics")\nep.caput("SR:MAG:SP", 1)',
    expected: [
      { line: 1, rule: "dynamic.import", severity: "high" },
      { line: 2, rule: "epics.caput", severity: "medium" },
    ],
  },
  {
    name: "p4p Context through its full module path",
    code: 'import p4p.client.thread\np4p.client.thread.Context("pva").put("SR:MAG:SP", 1.0)',
    expected: [{ line: 2, rule: "p4p.put", severity: "medium" }],
  },
  {
    name: "p4p Context under an alias, rpc",
    code: 'from p4p.client.thread import Context as C\nctx = C("pva")\nresult = ctx.rpc("SR:CALC", {"a": 1})',
    expected: [{ line: 3, rule: "p4p.rpc", severity: "medium" }],
  },
  {
    name: "caproto threading client module alias",
    code: 'import caproto.threading.client as ctc\nctx = ctc.Context()\npv = ctx.get_pvs("SR:MAG:SP")[0]\npv.write([1.0], wait=True)',
    expected: [{ line: 4, rule: "caproto.write", severity: "medium" }],
  },
  {
    name: "caproto sync client module",
    code: 'from caproto.sync import client\nclient.write("SR:MAG:SP", 1.0, notify=True)',
    expected: [{ line: 2, rule: "caproto.write", severity: "medium" }],
  },
  {
    name: "caproto pyepics_compat caput",
    code: 'from caproto.threading.pyepics_compat import caput\ncaput("SR:MAG:SP", 1.0)',
    expected: [{ line: 2, rule: "epics.caput", severity: "medium" }],
  },
  {
    name: "pvaccess Channel under an alias, putFloat",
    code: 'import pvaccess as pva\npva.Channel("SR:MAG:SP").putFloat(1.0)',
    expected: [{ line: 2, rule: "pvaccess.put", severity: "medium" }],
  },
  {
    name: "PyTango DeviceProxy write_attribute",
    code: 'import PyTango\ndev = PyTango.DeviceProxy("sr/ps/q1")\ndev.write_attribute("current", 10.0)',
    expected: [{ line: 3, rule: "tango.write_attribute", severity: "medium" }],
  },
  {
    name: "tango DeviceProxy alias write_attributes",
    code: 'from tango import DeviceProxy as DP\nDP("sr/ps/q1").write_attributes([("current", 1.0), ("voltage", 2.0)])',
    expected: [{ line: 2, rule: "tango.write_attribute", severity: "medium" }],
  },
  {
    name: "tango AttributeProxy write",
    code: 'import tango\ntango.AttributeProxy("sr/ps/q1/current").write(5.0)',
    expected: [{ line: 2, rule: "tango.write_attribute", severity: "medium" }],
  },
  {
    name: "tango command called as a method",
    code: 'import tango\ndev = tango.DeviceProxy("sr/ps/q1")\ndev.On()',
    expected: [{ line: 3, rule: "tango.command_inout", severity: "medium" }],
  },
  {
    name: "tango proxies enumerated",
    code: 'import tango\nproxies = [tango.DeviceProxy(n) for n in ["a/b/1", "a/b/2"]]\nfor i, d in enumerate(proxies):\n    d.write_attribute("x", i)',
    expected: [{ line: 4, rule: "tango.write_attribute", severity: "medium" }],
  },
  {
    name: "setattr on a tango proxy",
    code: 'import tango\ndev = tango.DeviceProxy("sr/ps/q1")\nsetattr(dev, "current", 2.0)',
    expected: [{ line: 3, rule: "tango.write_attribute", severity: "medium" }],
  },
  {
    name: "EPICS address list through os.putenv",
    code: 'import os\nos.putenv("EPICS_PVA_ADDR_LIST", "10.0.0.1")',
    expected: [{ line: 2, rule: "environment.epics_override", severity: "high" }],
  },
  {
    name: "EPICS auto address list through setdefault",
    code: 'import os\nos.environ.setdefault("EPICS_CA_AUTO_ADDR_LIST", "NO")',
    expected: [{ line: 2, rule: "environment.epics_override", severity: "high" }],
  },
  {
    name: "caget and caput in an analysis loop",
    code: 'import numpy as np\nfrom epics import caget, caput\nreadings = np.array([caget(f"SR:C{i:02d}:BPM:X") for i in range(1, 4)])\ncorrection = -0.1 * (readings - readings.mean())\nfor i, delta in enumerate(correction, start=1):\n    caput(f"SR:C{i:02d}:CORR:SP", float(delta))\nresults = {"rms": float(readings.std())}',
    expected: [
      { line: 3, rule: "epics.caget", severity: "low" },
      { line: 6, rule: "epics.caput", severity: "medium" },
    ],
  },
  {
    name: "os.system called through __call__",
    code: 'import os\nos.system.__call__("id")',
    expected: [{ line: 2, rule: "process.os_system", severity: "high" }],
  },
  {
    name: "os.__getattribute__ with a folded name",
    code: 'import os\nos.__getattribute__("sys" + "tem")("id")',
    expected: [{ line: 2, rule: "process.os_system", severity: "high" }],
  },
  {
    name: "eval written with full-width letters",
    code: 'results = {"v": \uff45\uff56\uff41\uff4c("6 * 7")}',
    expected: [{ line: 1, rule: "dynamic.eval", severity: "high" }],
  },
  {
    name: "os.path.os through from os import path",
    code: 'from os import path\npath.os.system("id")',
    expected: [{ line: 2, rule: "process.os_system", severity: "high" }],
  },
  {
    name: "vars(builtins) lookup of eval",
    code: 'import builtins\nresults = {"v": vars(builtins)["eval"]("1 + 1")}',
    expected: [{ line: 2, rule: "dynamic.eval", severity: "high" }],
  },
  {
    name: "subprocess.run with PIPE constants reported once",
    code: 'import subprocess\nout = subprocess.run(["ls"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)',
    expected: [{ line: 2, rule: "process.subprocess", severity: "high" }],
  },
  {
    name: "os.system on an instance of a class with the attribute",
    code: 'import os\n\nclass Tool:\n    shell = os.system\n\nt = Tool()\nt.shell("id")',
    expected: [{ line: 7, rule: "process.os_system", severity: "high" }],
  },
  {
    name: "os.system as a threading.Timer callback",
    code: 'import os\nimport threading\nthreading.Timer(0.1, os.system, ["id"]).start()',
    expected: [{ line: 3, rule: "process.os_system", severity: "high" }],
  },
  {
    name: "os.system as a contextlib.ExitStack callback",
    code: 'import contextlib\nimport os\nwith contextlib.ExitStack() as stack:\n    stack.callback(os.system, "id")',
    expected: [{ line: 4, rule: "process.os_system", severity: "high" }],
  },
  {
    name: "os.system applied over a DataFrame column",
    code: 'import os\nimport pandas as pd\ndf = pd.DataFrame({"cmd": ["ls", "id"]})\ndf["rc"] = df["cmd"].apply(os.system)',
    expected: [{ line: 4, rule: "process.os_system", severity: "high" }],
  },
  {
    name: "os.system wrapped by np.vectorize",
    code: 'import os\nimport numpy as np\ncodes = np.vectorize(os.system)(np.array(["ls", "id"]))',
    expected: [{ line: 3, rule: "process.os_system", severity: "high" }],
  },
  {
    name: "cloudpickle.loads",
    code: "import cloudpickle\nfn = cloudpickle.loads(blob)",
    expected: [{ line: 2, rule: "deserialization.pickle", severity: "high" }],
  },
  {
    name: "jsonpickle.decode",
    code: "import jsonpickle\nobj = jsonpickle.decode(text)",
    expected: [{ line: 2, rule: "deserialization.other", severity: "high" }],
  },
  {
    name: "yaml.load_all with UnsafeLoader",
    code: "import yaml\ndocs = list(yaml.load_all(text, Loader=yaml.UnsafeLoader))",
    expected: [{ line: 2, rule: "deserialization.other", severity: "high" }],
  },
  {
    name: "shelve.open outside the folder",
    code: 'import shelve\ndb = shelve.open("/tmp/shared_cache")',
    expected: [
      { line: 2, rule: "deserialization.shelve", severity: "high" },
      { line: 2, rule: "filesystem.write", severity: "high" },
    ],
  },
  {
    name: "tempfile.TemporaryDirectory in /var/tmp",
    code: 'import tempfile\nwith tempfile.TemporaryDirectory(dir="/var/tmp") as d:\n    pass',
    expected: [{ line: 2, rule: "filesystem.write", severity: "high" }],
  },
  {
    name: "os.walk of a system folder removing files",
    code: 'import os\nfor root, dirs, files in os.walk("/var/tmp"):\n    for f in files:\n        os.remove(os.path.join(root, f))',
    expected: [{ line: 4, rule: "filesystem.delete", severity: "high" }],
  },
  {
    name: "Path.iterdir of /tmp then unlink",
    code: 'from pathlib import Path\nfor p in Path("/tmp").iterdir():\n    if p.suffix == ".lock":\n        p.unlink()',
    expected: [{ line: 4, rule: "filesystem.delete", severity: "high" }],
  },
  {
    name: "Path.rglob unlink in a comprehension",
    code: 'from pathlib import Path\nremoved = [p.unlink() for p in Path("/var/tmp").rglob("*.lock")]',
    expected: [{ line: 2, rule: "filesystem.delete", severity: "high" }],
  },
  {
    name: "shutil.rmtree of the folder above the working directory",
    code: "import os\nimport shutil\nshutil.rmtree(os.path.dirname(os.getcwd()))",
    expected: [{ line: 3, rule: "filesystem.delete", severity: "high" }],
  },
  {
    name: "writing two levels above Path.cwd()",
    code: 'from pathlib import Path\ntarget = Path.cwd().parent.parent / "x.txt"\ntarget.write_text("x")',
    expected: [{ line: 3, rule: "filesystem.write", severity: "high" }],
  },
  {
    name: "Path.open for appending outside",
    code: 'import pathlib\nwith pathlib.Path("/etc/profile").open("a") as fh:\n    fh.write("export X=1")',
    expected: [{ line: 2, rule: "filesystem.write", severity: "high" }],
  },
  {
    name: "np.save into the home folder",
    code: 'import numpy as np\nfrom pathlib import Path\nnp.save(Path.home() / "arr.npy", np.zeros(3))',
    expected: [{ line: 3, rule: "filesystem.write", severity: "high" }],
  },
  {
    name: "os.chdir to the root",
    code: 'import os\nos.chdir("/")\nopen("etc/motd", "w").write("x")',
    expected: [
      { line: 2, rule: "filesystem.chdir", severity: "medium" },
      { line: 3, rule: "filesystem.write", severity: "high" },
    ],
  },
  {
    name: "Path kept as a class attribute, written outside",
    code: 'from pathlib import Path\n\nclass Config:\n    out = Path("/srv/share")\n\n(Config.out / "results.csv").write_text("a,b")',
    expected: [{ line: 6, rule: "filesystem.write", severity: "high" }],
  },
  {
    name: "caput taken from a dict of actions",
    code: 'from epics import caput\nactions = {"set": caput}\nactions["set"]("SR:MAG:SP", 1.0)',
    expected: [{ line: 3, rule: "epics.caput", severity: "medium" }],
  },
  {
    name: "PV value incremented in place",
    code: 'from epics import PV as ProcessVariable\npv = ProcessVariable("SR:MAG:SP")\npv.value += 0.1',
    expected: [{ line: 3, rule: "epics.pv_put", severity: "medium" }],
  },
  {
    name: "caproto chain from Context to write",
    code: 'from caproto.threading.client import Context\nContext().get_pvs("SR:MAG:SP")[0].write([2.0])',
    expected: [{ line: 2, rule: "caproto.write", severity: "medium" }],
  },
  {
    name: "tango Init command",
    code: 'import tango\ntango.DeviceProxy("sr/ps/q1").Init()',
    expected: [{ line: 2, rule: "tango.command_inout", severity: "medium" }],
  },
  {
    name: "epics.ca.put imported under an alias",
    code: 'from epics.ca import put as ca_put, create_channel\nca_put(create_channel("SR:MAG:SP"), 1.0)',
    expected: [{ line: 2, rule: "epics.caput", severity: "medium" }],
  },
  {
    name: "epics reached through sys.modules",
    code: 'import sys\nimport epics\nsys.modules["epics"].caput("SR:MAG:SP", 1)',
    expected: [
      { line: 3, rule: "dynamic.sys_modules_read", severity: "medium" },
      { line: 3, rule: "epics.caput", severity: "medium" },
    ],
  },
  {
    name: "epics Motor field set as an attribute",
    code: 'import epics\nm = epics.Motor("IOC:m1")\nm.drive = 1.5',
    expected: [{ line: 3, rule: "epics.motor_write", severity: "medium" }],
  },
  {
    name: "epics Device field set as an attribute",
    code: 'from epics import Device\ndev = Device("IOC:PS1:", attrs=("VAL", "RBV"))\ndev.VAL = 2.0',
    expected: [{ line: 3, rule: "epics.device_put", severity: "medium" }],
  },
  {
    name: "os.system returned from a helper function",
    code: 'import os\n\ndef runner():\n    return os.system\n\nrunner()("id")',
    expected: [
      { line: 4, rule: "process.os_system", severity: "high" },
      { line: 6, rule: "process.os_system", severity: "high" },
    ],
  },
  {
    name: "eval returned from a lambda",
    code: 'get = lambda: eval\nresults = {"v": get()("1 + 2")}',
    expected: [{ line: 1, rule: "dynamic.eval", severity: "high" }],
  },
  {
    name: "PV writes through a lambda mapped over PVs",
    code: 'from epics import PV\npvs = [PV("A:SP"), PV("B:SP")]\nlist(map(lambda pv: pv.put(0), pvs))',
    expected: [{ line: 3, rule: "epics.pv_put", severity: "medium" }],
  },
  {
    name: "PVs in dict(zip(...)), then indexed",
    code: 'from epics import PV\nnames = ["A:SP", "B:SP"]\npvs = dict(zip(names, map(PV, names)))\npvs["A:SP"].put(1.0)',
    expected: [{ line: 4, rule: "epics.pv_put", severity: "medium" }],
  },
  {
    name: "tango attribute written by subscript",
    code: 'import tango\ndev = tango.DeviceProxy("sr/ps/q1")\ndev["current"] = 3.0',
    expected: [{ line: 3, rule: "tango.write_attribute", severity: "medium" }],
  },
  {
    name: "tango Group write_attribute",
    code: 'import tango\ngroup = tango.Group("magnets")\ngroup.add("sr/ps/*")\ngroup.write_attribute("current", 0.0)',
    expected: [{ line: 4, rule: "tango.write_attribute", severity: "medium" }],
  },
  {
    name: "pandas.to_pickle outside the folder",
    code: 'import pandas as pd\ndf = pd.DataFrame({"a": [1]})\npd.to_pickle(df, "/tmp/frame.pkl")',
    expected: [{ line: 3, rule: "filesystem.write", severity: "high" }],
  },
  {
    name: "torch.save outside the folder",
    code: 'import torch\nmodel = torch.nn.Linear(2, 1)\ntorch.save(model.state_dict(), "/srv/models/m.pt")',
    expected: [{ line: 3, rule: "filesystem.write", severity: "high" }],
  },
  {
    name: "joblib.dump outside the folder",
    code: 'import joblib\njoblib.dump({"w": 1}, "/home/user/model.joblib")',
    expected: [{ line: 2, rule: "filesystem.write", severity: "high" }],
  },
  {
    name: "plt.imsave into /tmp",
    code: 'import numpy as np\nimport matplotlib.pyplot as plt\nplt.imsave("/tmp/frame.png", np.zeros((4, 4)))',
    expected: [{ line: 3, rule: "filesystem.write", severity: "high" }],
  },
  {
    name: "cv2.imwrite into a system folder",
    code: 'import cv2\nimport numpy as np\ncv2.imwrite("/var/www/html/img.png", np.zeros((4, 4)))',
    expected: [{ line: 3, rule: "filesystem.write", severity: "high" }],
  },
  {
    name: "scipy.io.savemat into /tmp",
    code: 'from scipy.io import savemat\nsavemat("/tmp/data.mat", {"a": [1, 2]})',
    expected: [{ line: 2, rule: "filesystem.write", severity: "high" }],
  },
  {
    name: "plotly write_html into the home folder",
    code: 'import plotly.express as px\nfig = px.line(x=[1, 2], y=[3, 4])\nfig.write_html("~/public_html/plot.html")',
    expected: [{ line: 3, rule: "filesystem.write", severity: "high" }],
  },
  {
    name: "logging.FileHandler outside the folder",
    code: 'import logging\nhandler = logging.FileHandler("/var/log/analysis.log")\nlogging.getLogger().addHandler(handler)',
    expected: [{ line: 2, rule: "filesystem.write", severity: "high" }],
  },
  {
    name: "logging.basicConfig with a file outside",
    code: 'import logging\nlogging.basicConfig(filename="/tmp/run.log", level=logging.DEBUG)',
    expected: [{ line: 2, rule: "filesystem.write", severity: "high" }],
  },
  {
    name: "multiprocessing.connection.Listener",
    code: 'from multiprocessing.connection import Listener\nwith Listener(("0.0.0.0", 6000), authkey=b"x") as listener:\n    conn = listener.accept()',
    expected: [{ line: 2, rule: "network.server", severity: "high" }],
  },
  {
    name: "multiprocessing.connection.Client",
    code: 'from multiprocessing.connection import Client\nconn = Client(("10.0.0.5", 6000))\nconn.send("hi")',
    expected: [{ line: 2, rule: "network.socket", severity: "high" }],
  },
  {
    name: "numpy.ctypeslib.load_library",
    code: 'import numpy as np\nlib = np.ctypeslib.load_library("libc", "/lib/x86_64-linux-gnu")',
    expected: [{ line: 2, rule: "native.ctypes", severity: "high" }],
  },
  {
    name: "_posixsubprocess.fork_exec",
    code: 'import _posixsubprocess\n_posixsubprocess.fork_exec([b"/bin/sh"], [b"/bin/sh"], True, (), None, None, -1, -1, -1, -1, -1, -1, -1, -1, False, False, None, None, None, -1, None, False)',
    expected: [{ line: 2, rule: "process.subprocess", severity: "high" }],
  },
  {
    name: "pydoc.pipepager runs a shell command",
    code: 'import pydoc\npydoc.pipepager("report", "sh -c id")',
    expected: [{ line: 2, rule: "process.other", severity: "high" }],
  },
  {
    name: "distutils.spawn.spawn",
    code: 'from distutils.spawn import spawn\nspawn(["ls", "-l"])',
    expected: [{ line: 2, rule: "process.other", severity: "high" }],
  },
  {
    name: "zipimport.zipimporter",
    code: 'import zipimport\nmod = zipimport.zipimporter("/tmp/plugins.zip").load_module("plugin")',
    expected: [{ line: 2, rule: "dynamic.importlib", severity: "high" }],
  },
  {
    name: "dill.load_session",
    code: 'import dill\ndill.load_session("session.pkl")',
    expected: [{ line: 2, rule: "deserialization.dill", severity: "high" }],
  },
  {
    name: "pandas.io.pickle.read_pickle",
    code: 'import pandas as pd\ndf = pd.io.pickle.read_pickle("frame.pkl")',
    expected: [{ line: 2, rule: "deserialization.pickle", severity: "high" }],
  },
  {
    name: "caput handed to asyncio.to_thread",
    code: 'import asyncio\nfrom epics import caput\n\nasync def main():\n    await asyncio.to_thread(caput, "SR:MAG:SP", 1.0)',
    expected: [{ line: 5, rule: "epics.caput", severity: "medium" }],
  },
  {
    name: "p4p put bound in functools.partial",
    code: 'import functools\nfrom p4p.client.thread import Context\nctx = Context("pva")\nsetter = functools.partial(ctx.put, "SR:MAG:SP")\nsetter(2.0)',
    expected: [{ line: 4, rule: "p4p.put", severity: "medium" }],
  },
  {
    name: "p4p Context returned by a helper function",
    code: 'from p4p.client.thread import Context\n\ndef connect():\n    return Context("pva")\n\nctx = connect()\nctx.put("SR:MAG:SP", 1.0)',
    expected: [{ line: 7, rule: "p4p.put", severity: "medium" }],
  },
  {
    name: "PV returned by a helper method",
    code: 'from epics import PV\n\nclass Magnet:\n    def __init__(self, name):\n        self.name = name\n\n    def pv(self):\n        return PV(self.name + ":SP")\n\n    def set(self, value):\n        self.pv().put(value)',
    expected: [{ line: 11, rule: "epics.pv_put", severity: "medium" }],
  },
  {
    name: "output path returned by a helper function",
    code: 'def output_path():\n    return "/srv/share/results.csv"\n\nwith open(output_path(), "w") as fh:\n    fh.write("a,b")',
    expected: [{ line: 4, rule: "filesystem.write", severity: "high" }],
  },
  {
    name: "aioca caput",
    code: 'import asyncio\nfrom aioca import caput\n\nasync def main():\n    await caput("SR:MAG:SP", 1.0, wait=True)\n\nasyncio.run(main())',
    expected: [{ line: 5, rule: "epics.caput", severity: "medium" }],
  },
  {
    name: "cothread.catools caput",
    code: 'from cothread.catools import caget, caput\ncaput("SR:MAG:SP", caget("SR:MAG:RB") + 0.1)',
    expected: [
      { line: 2, rule: "epics.caget", severity: "low" },
      { line: 2, rule: "epics.caput", severity: "medium" },
    ],
  },
  {
    name: "ophyd EpicsSignal put",
    code: 'from ophyd import EpicsSignal\nsig = EpicsSignal("SR:MAG:SP", name="sp")\nsig.put(1.0)',
    expected: [{ line: 3, rule: "epics.pv_put", severity: "medium" }],
  },
  {
    name: "ophyd EpicsMotor move",
    code: 'from ophyd import EpicsMotor\nm = EpicsMotor("IOC:m1", name="m1")\nm.move(2.0, wait=True)',
    expected: [{ line: 3, rule: "epics.motor_write", severity: "medium" }],
  },
  {
    name: "caput inside main() under the __main__ guard",
    code: 'import epics\n\ndef main():\n    sp = epics.caget("SR:C01:MAG:QF1:SP")\n    epics.caput("SR:C01:MAG:QF1:SP", sp + 0.01, wait=True)\n\nif __name__ == "__main__":\n    main()',
    expected: [
      { line: 4, rule: "epics.caget", severity: "low" },
      { line: 5, rule: "epics.caput", severity: "medium" },
    ],
  },
  {
    name: "caput_many on slit blades",
    code: 'from epics import caput_many\npvs = ["BL7:SLIT:X1", "BL7:SLIT:X2"]\ncaput_many(pvs, [0.5, -0.5], wait="all")',
    expected: [{ line: 3, rule: "epics.caput_many", severity: "medium" }],
  },
  {
    name: "PV.put in a scan loop with a restoring finally",
    code: 'import epics\npv = epics.PV("BL12:MONO:ENERGY")\noriginal = pv.get()\ntry:\n    for e in range(7000, 7100, 10):\n        pv.put(e, wait=True)\nfinally:\n    pv.put(original, wait=True)',
    expected: [
      { line: 3, rule: "epics.pv_get", severity: "low" },
      { line: 6, rule: "epics.pv_put", severity: "medium" },
      { line: 8, rule: "epics.pv_put", severity: "medium" },
    ],
  },
  {
    name: "epics.Device put of a slit attribute",
    code: 'from epics import Device\nslit = Device("BL4:SLIT:", attrs=("X", "Y"))\nslit.put("X", 1.2)',
    expected: [{ line: 3, rule: "epics.device_put", severity: "medium" }],
  },
  {
    name: "epics.Motor.move with wait",
    code: 'from epics import Motor\nm = Motor("BL4:MOT:THETA")\nm.move(12.5, wait=True)',
    expected: [{ line: 3, rule: "epics.motor_write", severity: "medium" }],
  },
  {
    name: "p4p Context used as a context manager",
    code: 'from p4p.client.thread import Context\nwith Context("pva") as ctxt:\n    value = ctxt.get("SR:BPM:01:X")\n    ctxt.put("SR:COR:01:SP", 0.0)',
    expected: [
      { line: 3, rule: "p4p.get", severity: "low" },
      { line: 4, rule: "p4p.put", severity: "medium" },
    ],
  },
  {
    name: "p4p put from a monitor callback",
    code: 'from p4p.client.thread import Context\nctx = Context("pva")\n\ndef on_update(value):\n    if value > 5.0:\n        ctx.put("BL8:SHUTTER:CMD", 0)\n\nsub = ctx.monitor("BL8:I0", on_update)',
    expected: [
      { line: 6, rule: "p4p.put", severity: "medium" },
      { line: 8, rule: "p4p.get", severity: "low" },
    ],
  },
  {
    name: "caproto get_pvs unpacked into two PVs",
    code: 'from caproto.threading.client import Context\nctx = Context()\nx, y = ctx.get_pvs("BL1:X", "BL1:Y")\nprint(x.read().data)\ny.write([1.5], wait=True)',
    expected: [
      { line: 4, rule: "caproto.read", severity: "low" },
      { line: 5, rule: "caproto.write", severity: "medium" },
    ],
  },
  {
    name: "caproto sync client read then write",
    code: 'from caproto.sync.client import read, write\ncurrent = read("BL2:TEMP").data[0]\nwrite("BL2:HEATER:SP", current - 1)',
    expected: [
      { line: 2, rule: "caproto.read", severity: "low" },
      { line: 3, rule: "caproto.write", severity: "medium" },
    ],
  },
  {
    name: "pvaccess Channel putFloat",
    code: 'import pvaccess\nch = pvaccess.Channel("BL9:DET:EXPOSURE")\nprint(ch.get())\nch.putFloat(0.25)',
    expected: [
      { line: 3, rule: "pvaccess.get", severity: "low" },
      { line: 4, rule: "pvaccess.put", severity: "medium" },
    ],
  },
  {
    name: "Tango command_inout through a wrapper class",
    code: 'import tango\n\nclass Shutter:\n    def __init__(self, name):\n        self.dev = tango.DeviceProxy(name)\n\n    def open(self):\n        self.dev.command_inout("Open")\n\nShutter("bl/fe/shutter").open()',
    expected: [{ line: 8, rule: "tango.command_inout", severity: "medium" }],
  },
  {
    name: "PyTango write_attribute guarded by State()",
    code: 'import PyTango\ndev = PyTango.DeviceProxy("sr/ps/qf1")\nif dev.State() == PyTango.DevState.ON:\n    dev.write_attribute("Current", 101.5)',
    expected: [
      { line: 3, rule: "tango.read_attribute", severity: "low" },
      { line: 4, rule: "tango.write_attribute", severity: "medium" },
    ],
  },
  {
    name: "Tango attribute written with setattr",
    code: 'from tango import DeviceProxy\nps = DeviceProxy("sr/ps/qd2")\nsetattr(ps, "Voltage", 3.3)',
    expected: [{ line: 3, rule: "tango.write_attribute", severity: "medium" }],
  },
  {
    name: "ophyd EpicsSignal put inside an async ramp",
    code: 'import asyncio\nfrom ophyd import EpicsSignal\n\nasync def ramp():\n    sig = EpicsSignal("BL5:HV:SP")\n    for v in (100, 200, 300):\n        sig.put(v)\n        await asyncio.sleep(1)\n\nasyncio.run(ramp())',
    expected: [{ line: 7, rule: "epics.pv_put", severity: "medium" }],
  },
  {
    name: "ophyd EpicsMotor.set and wait on the status",
    code: 'from ophyd import EpicsMotor\nm = EpicsMotor("BL6:SAMPLE:X", name="sx")\nst = m.set(3.0)\nst.wait()',
    expected: [{ line: 3, rule: "epics.motor_write", severity: "medium" }],
  },
  {
    name: "caput inside a function wrapped by a logging decorator",
    code: 'import functools\nimport epics\n\ndef logged(fn):\n    @functools.wraps(fn)\n    def wrapper(*args, **kwargs):\n        print("calling", fn.__name__)\n        return fn(*args, **kwargs)\n    return wrapper\n\n@logged\ndef set_gap(value):\n    epics.caput("ID7:GAP:SP", value)\n\nset_gap(18.0)',
    expected: [{ line: 13, rule: "epics.caput", severity: "medium" }],
  },
  {
    name: "caput in a dataclass method",
    code: 'from dataclasses import dataclass\nimport epics\n\n@dataclass\nclass Magnet:\n    pv: str\n\n    def set(self, value):\n        epics.caput(self.pv + ":SP", value)\n\nMagnet("SR:QF1").set(12.0)',
    expected: [{ line: 9, rule: "epics.caput", severity: "medium" }],
  },
  {
    name: "caput in the arms of a match statement",
    code: 'import epics\naction = "open"\nmatch action:\n    case "open":\n        epics.caput("BL3:SHUTTER:OPEN", 1)\n    case "close":\n        epics.caput("BL3:SHUTTER:CLOSE", 1)\n    case _:\n        pass',
    expected: [
      { line: 5, rule: "epics.caput", severity: "medium" },
      { line: 7, rule: "epics.caput", severity: "medium" },
    ],
    minPython: [3, 10],
  },
  {
    name: "caget in a walrus condition then caput",
    code: 'import epics\nif (cur := epics.caget("SR:DCCT")) is not None and cur < 400:\n    epics.caput("SR:INJ:REQUEST", 1)',
    expected: [
      { line: 2, rule: "epics.caget", severity: "low" },
      { line: 3, rule: "epics.caput", severity: "medium" },
    ],
  },
  {
    name: "caput for its side effect in a list comprehension",
    code: 'from epics import caput\nsettings = {"BL1:M1:PITCH": 0.1, "BL1:M1:ROLL": 0.0}\n[caput(k, v) for k, v in settings.items()]',
    expected: [{ line: 3, rule: "epics.caput", severity: "medium" }],
  },
  {
    name: "caput and caget inside a generator",
    code: 'import epics\n\ndef scan(points):\n    for p in points:\n        epics.caput("BL4:SCAN:POS", p, wait=True)\n        yield epics.caget("BL4:DET:COUNTS")\n\ndata = list(scan(range(10)))',
    expected: [
      { line: 5, rule: "epics.caput", severity: "medium" },
      { line: 6, rule: "epics.caget", severity: "low" },
    ],
  },
  {
    name: "caput submitted to a ThreadPoolExecutor",
    code: 'from concurrent.futures import ThreadPoolExecutor\nimport epics\ntargets = [("BL1:A", 1), ("BL1:B", 2)]\nwith ThreadPoolExecutor(max_workers=2) as ex:\n    futs = [ex.submit(epics.caput, pv, v) for pv, v in targets]',
    expected: [{ line: 5, rule: "epics.caput", severity: "medium" }],
  },
  {
    name: "caput from a camonitor feedback callback",
    code: 'import epics, time\n\ndef feedback(pvname=None, value=None, **kw):\n    if value > 1.0:\n        epics.caput("BL1:FB:CORR", -value)\n\nepics.camonitor("BL1:BPM:X", callback=feedback)\ntime.sleep(10)',
    expected: [
      { line: 5, rule: "epics.caput", severity: "medium" },
      { line: 7, rule: "epics.camonitor", severity: "low" },
    ],
  },
  {
    name: "PV.put in a closure returned by a factory",
    code: 'import epics\n\ndef make_setter(name):\n    pv = epics.PV(name)\n    def setter(v):\n        pv.put(v, wait=True)\n    return setter\n\nset_energy = make_setter("BL12:MONO:E")\nset_energy(8000)',
    expected: [{ line: 6, rule: "epics.pv_put", severity: "medium" }],
  },
  {
    name: "low-level epics.ca.put on a channel id",
    code: 'from epics import ca\nchid = ca.create_channel("BL1:X")\nca.put(chid, 2.0, wait=True)',
    expected: [{ line: 3, rule: "epics.caput", severity: "medium" }],
  },
  {
    name: "functools.partial of epics.caput",
    code: 'from functools import partial\nimport epics\nset_hv = partial(epics.caput, "BL5:HV:SP", wait=True)\nset_hv(1200)',
    expected: [{ line: 3, rule: "epics.caput", severity: "medium" }],
  },
  {
    name: "EPICS address list changed through setdefault and update",
    code: 'import os\nos.environ.setdefault("EPICS_CA_AUTO_ADDR_LIST", "NO")\nos.environ.update(EPICS_CA_ADDR_LIST="192.168.1.255")',
    expected: [
      { line: 2, rule: "environment.epics_override", severity: "high" },
      { line: 3, rule: "environment.epics_override", severity: "high" },
    ],
  },
  {
    name: "ophyd Component signal put through a Device",
    code: 'from ophyd import Device, Component as Cpt, EpicsSignal\n\nclass Det(Device):\n    exposure = Cpt(EpicsSignal, "cam1:AcquireTime")\n\ndet = Det("BL7:DET:", name="det")\ndet.exposure.put(0.5)',
    expected: [{ line: 7, rule: "epics.pv_put", severity: "medium" }],
  },
  {
    name: "Tango Group write_attribute",
    code: 'import tango\ng = tango.Group("magnets")\ng.add("sr/ps/*")\ng.write_attribute("Current", 0.0)',
    expected: [{ line: 4, rule: "tango.write_attribute", severity: "medium" }],
  },
  {
    name: "Tango AttributeProxy write",
    code: 'from tango import AttributeProxy\nap = AttributeProxy("sr/ps/qf1/Current")\nap.write(99.0)',
    expected: [{ line: 3, rule: "tango.write_attribute", severity: "medium" }],
  },
  {
    name: "Tango command called as a method on a temporary proxy",
    code: 'import tango\nfor name in ["bl/ps/1", "bl/ps/2"]:\n    tango.DeviceProxy(name).Reset()',
    expected: [{ line: 3, rule: "tango.command_inout", severity: "medium" }],
  },
  {
    name: "p4p put of several channels at once",
    code: 'from p4p.client.thread import Context\nctx = Context("pva", nt=False)\nctx.put(["BL1:A", "BL1:B"], [1.0, 2.0])\nctx.close()',
    expected: [{ line: 3, rule: "p4p.put", severity: "medium" }],
  },
  {
    name: "p4p asyncio put under async with",
    code: 'import asyncio\nfrom p4p.client.asyncio import Context\n\nasync def main():\n    async with Context("pva") as ctx:\n        await ctx.put("BL1:SP", 3.0)\n\nasyncio.run(main())',
    expected: [{ line: 6, rule: "p4p.put", severity: "medium" }],
  },
  {
    name: "caput registered as an ExitStack callback",
    code: 'import contextlib\nimport epics\nwith contextlib.ExitStack() as stack:\n    stack.callback(epics.caput, "BL1:SHUTTER", 0)\n    data = epics.caget("BL1:I0")',
    expected: [
      { line: 4, rule: "epics.caput", severity: "medium" },
      { line: 5, rule: "epics.caget", severity: "low" },
    ],
  },
  {
    name: "caput in a contextmanager that opens the shutter",
    code: 'from contextlib import contextmanager\nimport epics\n\n@contextmanager\ndef shutter_open():\n    epics.caput("BL1:SHUTTER", 1, wait=True)\n    try:\n        yield\n    finally:\n        epics.caput("BL1:SHUTTER", 0, wait=True)\n\nwith shutter_open():\n    counts = epics.caget("BL1:DET:COUNTS")',
    expected: [
      { line: 6, rule: "epics.caput", severity: "medium" },
      { line: 10, rule: "epics.caput", severity: "medium" },
      { line: 13, rule: "epics.caget", severity: "low" },
    ],
  },
  {
    name: "Tango commands on proxies built in a comprehension",
    code: 'import tango\ndevs = [tango.DeviceProxy(n) for n in ("bl/ps/1", "bl/ps/2")]\nfor dev in devs:\n    dev.command_inout("Off")',
    expected: [{ line: 4, rule: "tango.command_inout", severity: "medium" }],
  },
  {
    name: "archiver appliance fetched with requests",
    code: 'import requests\nimport pandas as pd\nurl = "http://archiver.als.lbl.gov:17668/retrieval/data/getData.json"\nr = requests.get(url, params={"pv": "SR:DCCT", "from": "2024-01-01T00:00:00Z"}, timeout=30)\ndf = pd.DataFrame(r.json()[0]["data"])',
    expected: [{ line: 4, rule: "network.http", severity: "medium" }],
  },
  {
    name: "archiver appliance fetched with urlopen",
    code: 'from urllib.request import urlopen\nimport json\nwith urlopen("http://archiver/retrieval/data/getData.json?pv=SR:DCCT") as resp:\n    data = json.load(resp)',
    expected: [{ line: 3, rule: "network.http", severity: "medium" }],
  },
  {
    name: "SCPI over a raw TCP socket to an instrument",
    code: 'import socket\nwith socket.create_connection(("10.0.3.15", 5025), timeout=2) as s:\n    s.sendall(b"*IDN?\\n")\n    print(s.recv(1024))',
    expected: [{ line: 2, rule: "network.socket", severity: "high" }],
  },
  {
    name: "paramiko session to an IOC host",
    code: 'import paramiko\nclient = paramiko.SSHClient()\nclient.connect("ioc-bl7", username="ops")\nclient.exec_command("softIoc -d st.cmd")',
    expected: [{ line: 2, rule: "network.other", severity: "medium" }],
  },
  {
    name: "os.remove of globbed absolute paths in a comprehension",
    code: 'import glob, os\npaths = glob.glob("/beamline/data/*.tmp")\n[os.remove(p) for p in paths]',
    expected: [{ line: 3, rule: "filesystem.delete", severity: "high" }],
  },
  {
    name: "__import__ of a concatenated module name",
    code: '__import__("o" + "s").system("id")',
    expected: [
      { line: 1, rule: "dynamic.import", severity: "high" },
      { line: 1, rule: "process.os_system", severity: "high" },
    ],
  },
  {
    name: "importlib.import_module of a name from input",
    code: 'import importlib\nmodname = input("module: ")\nmod = importlib.import_module(modname)',
    expected: [{ line: 3, rule: "dynamic.importlib", severity: "high" }],
  },
  {
    name: "exec of a helper script read with open()",
    code: 'script = "helpers.py"\nexec(open(script).read())',
    expected: [
      { line: 2, rule: "dynamic.exec", severity: "high" },
      { line: 2, rule: "filesystem.read", severity: "low" },
    ],
  },
  {
    name: "eval of input()",
    code: 'expr = eval(input("expression: "))',
    expected: [{ line: 1, rule: "dynamic.eval", severity: "high" }],
  },
  {
    name: "compile in exec mode then exec",
    code: 'src = "import os\\nos.system(\'id\')"\ncode = compile(src, "<gen>", "exec")\nexec(code)',
    expected: [
      { line: 2, rule: "dynamic.compile", severity: "high" },
      { line: 3, rule: "dynamic.exec", severity: "high" },
    ],
  },
  {
    name: "module and attribute names joined from characters",
    code: 'm = __import__("".join(["o", "s"]))\nf = getattr(m, "".join(["s", "y", "s", "t", "e", "m"]))\nf("uname -a")',
    expected: [
      { line: 1, rule: "dynamic.import", severity: "high" },
      { line: 3, rule: "process.os_system", severity: "high" },
    ],
  },
  {
    name: "reversed attribute name kept in a variable",
    code: 'import os\nname = "metsys"[::-1]\nfn = getattr(os, name)\nfn("whoami")',
    expected: [{ line: 4, rule: "process.os_system", severity: "high" }],
  },
  {
    name: "attribute name decoded from hex",
    code: 'import os\nname = bytes.fromhex("73797374656d").decode()\ngetattr(os, name)("id")',
    expected: [{ line: 3, rule: "dynamic.getattr", severity: "high" }],
  },
  {
    name: "base64 payload handed to exec",
    code: 'import base64\npayload = base64.b64decode("aW1wb3J0IG9zOyBvcy5zeXN0ZW0oJ2lkJyk=")\nexec(payload)',
    expected: [{ line: 3, rule: "dynamic.exec", severity: "high" }],
  },
  {
    name: "os.popen inside try/except",
    code: 'import os\ntry:\n    out = os.popen("lsblk").read()\nexcept OSError:\n    out = ""',
    expected: [{ line: 3, rule: "process.os_popen", severity: "high" }],
  },
  {
    name: "os.spawnlp waiting for ls",
    code: 'import os\nos.spawnlp(os.P_WAIT, "ls", "ls", "-l")',
    expected: [{ line: 2, rule: "process.os_spawn", severity: "high" }],
  },
  {
    name: "os.posix_spawn with the environment",
    code: 'import os\npid = os.posix_spawn("/bin/ls", ["ls"], os.environ)',
    expected: [{ line: 2, rule: "process.os_spawn", severity: "high" }],
  },
  {
    name: "os.fork under the __main__ guard",
    code: 'import os\nif __name__ == "__main__":\n    pid = os.fork()\n    if pid == 0:\n        os._exit(0)',
    expected: [{ line: 3, rule: "process.os_fork", severity: "high" }],
  },
  {
    name: "os.kill of a list of pids",
    code: "import os, signal\nfor pid in (1234, 5678):\n    os.kill(pid, signal.SIGTERM)",
    expected: [{ line: 3, rule: "process.os_kill", severity: "high" }],
  },
  {
    name: "os.system in a SIGALRM handler lambda",
    code: 'import os\nimport signal\nsignal.signal(signal.SIGALRM, lambda *a: os.system("reboot"))\nsignal.alarm(1)',
    expected: [{ line: 3, rule: "process.os_system", severity: "high" }],
  },
  {
    name: "rmtree of the expanded home folder",
    code: 'import os, shutil\nshutil.rmtree(os.path.expanduser("~"), ignore_errors=True)',
    expected: [{ line: 2, rule: "filesystem.delete", severity: "high" }],
  },
  {
    name: "unlink of every log file under Path.home()",
    code: 'from pathlib import Path\nfor f in Path.home().rglob("*.log"):\n    f.unlink()',
    expected: [{ line: 3, rule: "filesystem.delete", severity: "high" }],
  },
  {
    name: "os.chmod of a system file",
    code: 'import os\nos.chmod("/etc/shadow", 0o777)',
    expected: [{ line: 2, rule: "filesystem.write", severity: "high" }],
  },
  {
    name: "os.chown of the IOC folder",
    code: 'import os\nos.chown("/opt/epics/iocs", 0, 0)',
    expected: [{ line: 2, rule: "filesystem.write", severity: "high" }],
  },
  {
    name: "append to /etc/passwd",
    code: 'with open("/etc/passwd", "a") as fh:\n    fh.write("x::0:0::/root:/bin/sh\\n")',
    expected: [{ line: 1, rule: "filesystem.write", severity: "high" }],
  },
  {
    name: "write_text under Path('..') joined with slashes",
    code: 'from pathlib import Path\nout = Path("..") / "shared" / "results.csv"\nout.write_text("a,b\\n1,2\\n")',
    expected: [{ line: 3, rule: "filesystem.write", severity: "high" }],
  },
  {
    name: "os.chdir to the parent then a relative write",
    code: 'import os\nos.chdir("..")\nwith open("notes.txt", "w") as fh:\n    fh.write("hi")',
    expected: [
      { line: 2, rule: "filesystem.chdir", severity: "medium" },
      { line: 3, rule: "filesystem.write", severity: "high" },
    ],
  },
  {
    name: "Pool.map of os.system",
    code: 'from multiprocessing import Pool\nimport os\ncmds = ["ls", "id"]\nwith Pool(2) as pool:\n    pool.map(os.system, cmds)',
    expected: [{ line: 5, rule: "process.os_system", severity: "high" }],
  },
  {
    name: "threading.Thread targeting os.system",
    code: 'import os\nimport threading\nt = threading.Thread(target=os.system, args=("id",))\nt.start()',
    expected: [{ line: 3, rule: "process.os_system", severity: "high" }],
  },
  {
    name: "ProcessPoolExecutor.submit of subprocess.run",
    code: 'import subprocess\nfrom concurrent.futures import ProcessPoolExecutor\nwith ProcessPoolExecutor() as ex:\n    fut = ex.submit(subprocess.run, ["ls", "-l"])',
    expected: [{ line: 4, rule: "process.subprocess", severity: "high" }],
  },
  {
    name: "functools.reduce running commands",
    code: 'import functools, os\nfunctools.reduce(lambda acc, cmd: os.system(cmd), ["id", "ls"], 0)',
    expected: [{ line: 2, rule: "process.os_system", severity: "high" }],
  },
  {
    name: "operator.call of os.system",
    code: 'import operator, os\noperator.call(os.system, "id")',
    expected: [{ line: 2, rule: "process.os_system", severity: "high" }],
  },
  {
    name: "rmtree outside under contextlib.suppress",
    code: 'import contextlib, shutil\nwith contextlib.suppress(FileNotFoundError):\n    shutil.rmtree("/var/tmp/beamline_cache")',
    expected: [{ line: 3, rule: "filesystem.delete", severity: "high" }],
  },
  {
    name: "asyncio.to_thread of os.system",
    code: 'import asyncio, os\n\nasync def main():\n    await asyncio.to_thread(os.system, "id")\n\nasyncio.run(main())',
    expected: [{ line: 4, rule: "process.os_system", severity: "high" }],
  },
  {
    name: "decorator that shells out at definition time",
    code: 'import os\n\ndef audit(fn):\n    os.system("logger ran " + fn.__name__)\n    return fn\n\n@audit\ndef analyze():\n    return 42',
    expected: [{ line: 4, rule: "process.os_system", severity: "high" }],
  },
  {
    name: "rmtree in __del__",
    code: 'import shutil\n\nclass Cleanup:\n    def __del__(self):\n        shutil.rmtree("/tmp/../home")\n\nc = Cleanup()',
    expected: [{ line: 5, rule: "filesystem.delete", severity: "high" }],
  },
  {
    name: "subprocess in a lambda dispatch table",
    code: 'import subprocess\nactions = {"list": lambda: subprocess.check_output(["ls"]), "noop": lambda: None}\nactions["list"]()',
    expected: [{ line: 2, rule: "process.subprocess", severity: "high" }],
  },
  {
    name: "os.system in a match arm",
    code: 'import os\ncmd = "clean"\nmatch cmd:\n    case "clean":\n        os.system("rm -rf build")',
    expected: [{ line: 5, rule: "process.os_system", severity: "high" }],
    minPython: [3, 10],
  },
  {
    name: "os.popen in a walrus condition",
    code: 'import os\nif (out := os.popen("hostname").read()):\n    print(out)',
    expected: [{ line: 2, rule: "process.os_popen", severity: "high" }],
  },
  {
    name: "os.remove driven by any() over a generator",
    code: 'import os\npaths = ["/data/a.h5", "/data/b.h5"]\nany(os.remove(p) for p in paths)',
    expected: [{ line: 3, rule: "filesystem.delete", severity: "high" }],
  },
  {
    name: "exec in a nested function",
    code: 'def outer(code):\n    def inner():\n        exec(code)\n    return inner\n\nouter("print(1)")()',
    expected: [{ line: 3, rule: "dynamic.exec", severity: "high" }],
  },
  {
    name: "exec taken from builtins.__dict__",
    code: 'import builtins\nbuiltins.__dict__["exec"]("x = 1")',
    expected: [{ line: 2, rule: "dynamic.exec", severity: "high" }],
  },
  {
    name: "__import__ of subprocess by a concatenated name",
    code: 'sp = __import__("sub" + "process")\nsp.run(["id"])',
    expected: [
      { line: 1, rule: "dynamic.import", severity: "high" },
      { line: 2, rule: "process.subprocess", severity: "high" },
    ],
  },
  {
    name: "subprocess.run in a finally block",
    code: 'import subprocess\ntry:\n    result = 1 / 0\nexcept ZeroDivisionError:\n    result = None\nfinally:\n    subprocess.run(["sync"])',
    expected: [{ line: 7, rule: "process.subprocess", severity: "high" }],
  },
  {
    name: "exec of a pathlib read_text",
    code: 'from pathlib import Path\nexec(Path("beamline_setup.py").read_text())',
    expected: [
      { line: 2, rule: "dynamic.exec", severity: "high" },
      { line: 2, rule: "filesystem.read", severity: "low" },
    ],
  },
  {
    name: "h5py.File opened for writing under /data",
    code: 'import h5py\nimport numpy as np\nwith h5py.File("/data/bl733/processed/scan_001.h5", "w") as f:\n    f.create_dataset("counts", data=np.zeros(10))',
    expected: [{ line: 3, rule: "filesystem.write", severity: "high" }],
  },
  {
    name: "DataFrame.to_csv into a home folder",
    code: 'import pandas as pd\ndf = pd.DataFrame({"t": [1, 2]})\ndf.to_csv("/home/operator/shared/summary.csv", index=False)',
    expected: [{ line: 3, rule: "filesystem.write", severity: "high" }],
  },
  {
    name: "savefig into a parent folder",
    code: 'import matplotlib.pyplot as plt\nfig, ax = plt.subplots()\nax.plot([1, 2, 3])\nfig.savefig("../figures/orbit.png", dpi=150)',
    expected: [{ line: 4, rule: "filesystem.write", severity: "high" }],
  },
  {
    name: "np.savetxt into the expanded home folder",
    code: 'import os\nimport numpy as np\nnp.savetxt(os.path.join(os.path.expanduser("~"), "orbit.txt"), np.zeros(3))',
    expected: [{ line: 3, rule: "filesystem.write", severity: "high" }],
  },
  {
    name: "open for writing on a path from argv",
    code: 'import sys\nout = sys.argv[1]\nwith open(out, "w") as fh:\n    fh.write("done")',
    expected: [{ line: 3, rule: "filesystem.write", severity: "medium" }],
  },
  {
    name: "os.makedirs outside inside try/except",
    code: 'import os\ntry:\n    os.makedirs("/opt/beamline/cache", exist_ok=True)\nexcept PermissionError:\n    pass',
    expected: [{ line: 3, rule: "filesystem.write", severity: "high" }],
  },
  {
    name: "shutil.move into a parent archive folder",
    code: 'import shutil\nshutil.move("scan.h5", "../archive/scan.h5")',
    expected: [{ line: 2, rule: "filesystem.write", severity: "high" }],
  },
  {
    name: "write_text two levels above __file__",
    code: 'from pathlib import Path\nroot = Path(__file__).resolve().parent.parent\n(root / "config.yaml").write_text("x: 1")',
    expected: [{ line: 3, rule: "filesystem.write", severity: "medium" }],
  },
  {
    name: "rmtree of a sibling run folder through Path.cwd().parent",
    code: 'import shutil\nfrom pathlib import Path\nshutil.rmtree(Path.cwd().parent / "other_run")',
    expected: [{ line: 3, rule: "filesystem.delete", severity: "high" }],
  },
  {
    name: "os.remove of a file in the parent through os.getcwd()",
    code: 'import os\nos.remove(os.path.join(os.getcwd(), "..", "previous_run", "results.json"))',
    expected: [{ line: 2, rule: "filesystem.delete", severity: "high" }],
  },
  {
    name: "operator.methodcaller on the os module from a variable",
    code: 'import operator\nimport os\ncall_system = operator.methodcaller("system", "id")\ncall_system(os)',
    expected: [{ line: 4, rule: "process.os_system", severity: "high" }],
  },
  {
    name: "dangerous callable picked from a tuple by index",
    code: 'import os\nimport shutil\nops = (print, os.system)\nops[1]("id")',
    expected: [{ line: 4, rule: "process.os_system", severity: "high" }],
  },
  {
    name: "subprocess.run started with a thread's run() override",
    code: 'import subprocess\nimport threading\n\nclass Worker(threading.Thread):\n    def run(self):\n        subprocess.run(["make", "install"])\n\nWorker().start()',
    expected: [{ line: 6, rule: "process.subprocess", severity: "high" }],
  },
  {
    name: "os.system mapped over commands with an executor",
    code: 'import os\nfrom concurrent.futures import ThreadPoolExecutor\nwith ThreadPoolExecutor() as pool:\n    codes = list(pool.map(os.system, ["id", "uptime"]))',
    expected: [{ line: 4, rule: "process.os_system", severity: "high" }],
  },
  {
    name: "eval of a formula from a config dict",
    code: 'import json\nwith open("calibration.json") as fh:\n    cfg = json.load(fh)\ngain = eval(cfg["gain_formula"], {"x": 3.0})',
    expected: [
      { line: 2, rule: "filesystem.read", severity: "low" },
      { line: 4, rule: "dynamic.eval", severity: "high" },
    ],
  },
  {
    name: "yaml.load of a beamline config with yaml.Loader",
    code: 'import yaml\nwith open("beamline.yaml") as fh:\n    cfg = yaml.load(fh, Loader=yaml.Loader)',
    expected: [
      { line: 2, rule: "filesystem.read", severity: "low" },
      { line: 3, rule: "deserialization.other", severity: "high" },
    ],
  },
  {
    name: "asyncio create_subprocess_exec in an async generator",
    code: 'import asyncio\n\nasync def lines():\n    proc = await asyncio.create_subprocess_exec("journalctl", "-f", stdout=asyncio.subprocess.PIPE)\n    while True:\n        yield await proc.stdout.readline()',
    expected: [{ line: 4, rule: "process.asyncio_subprocess", severity: "high" }],
  },
  {
    name: "getattr of os with a name from a dict",
    code: 'import os\ntable = {"run": "system"}\ngetattr(os, table["run"])("id")',
    expected: [{ line: 3, rule: "dynamic.getattr", severity: "high" }],
  },
  {
    name: "class attribute holding os.popen called through self",
    code: 'import os\n\nclass Probe:\n    runner = staticmethod(os.popen)\n\n    def host(self):\n        return self.runner("hostname").read()\n\nprint(Probe().host())',
    expected: [{ line: 4, rule: "process.os_popen", severity: "high" }],
  },
  {
    name: "p4p Context.put bound to a variable",
    code: 'from p4p.client.thread import Context\nctx = Context("pva")\nput = ctx.put\nput("BL1:SP", 1.0)',
    expected: [{ line: 4, rule: "p4p.put", severity: "medium" }],
  },
  {
    name: "caput in a lambda mapped over PV names",
    code: 'import epics\nnames = ["A", "B"]\nlist(map(lambda n: epics.caput(n, 0), names))',
    expected: [{ line: 3, rule: "epics.caput", severity: "medium" }],
  },
  {
    name: "Tango proxy looked up in a dict then written",
    code: 'import tango\ndevs = {"qf": tango.DeviceProxy("sr/ps/qf")}\ndevs["qf"].write_attribute("Current", 1)',
    expected: [{ line: 3, rule: "tango.write_attribute", severity: "medium" }],
  },
  {
    name: "Tango On() over proxies kept on self",
    code: 'from tango import DeviceProxy\nclass Ctl:\n    def __init__(self, names):\n        self.proxies = [DeviceProxy(n) for n in names]\n    def all_on(self):\n        for p in self.proxies:\n            p.On()\nCtl(["a", "b"]).all_on()',
    expected: [{ line: 7, rule: "tango.command_inout", severity: "medium" }],
  },
  {
    name: "EpicsSignal.set(...).wait() chained on a temporary",
    code: 'from ophyd import EpicsSignal\nEpicsSignal("BL1:SP", name="sp").set(1).wait()',
    expected: [{ line: 2, rule: "epics.pv_put", severity: "medium" }],
  },
  {
    name: "Bluesky RunEngine running a scan plan",
    code: "from bluesky import RunEngine\nimport bluesky.plans as bp\nfrom ophyd.sim import det, motor\nRE = RunEngine({})\nRE(bp.scan([det], motor, -1, 1, 10))",
    expected: [{ line: 5, rule: "bluesky.run_plan", severity: "medium" }],
  },
  {
    name: "Bluesky RunEngine running bps.mv on an EpicsMotor",
    code: 'import bluesky.plan_stubs as bps\nfrom bluesky import RunEngine\nfrom ophyd import EpicsMotor\nm = EpicsMotor("BL1:M", name="m")\nRE = RunEngine()\nRE(bps.mv(m, 3.0))',
    expected: [{ line: 6, rule: "bluesky.run_plan", severity: "medium" }],
  },
  {
    name: "epics imported inside the function that writes",
    code: 'def f():\n    import epics\n    epics.caput("X", 1)\nf()',
    expected: [{ line: 3, rule: "epics.caput", severity: "medium" }],
  },
  {
    name: "epics imported in try/except ImportError",
    code: 'try:\n    import epics\nexcept ImportError:\n    epics = None\nif epics:\n    epics.caput("X", 1)',
    expected: [{ line: 6, rule: "epics.caput", severity: "medium" }],
  },
  {
    name: "caput scheduled with threading.Timer",
    code: 'import threading, epics\nthreading.Timer(5.0, epics.caput, args=("BL:SHUTTER", 0)).start()',
    expected: [{ line: 2, rule: "epics.caput", severity: "medium" }],
  },
  {
    name: "caput handed to loop.run_in_executor",
    code: 'import asyncio, epics\nasync def main():\n    loop = asyncio.get_running_loop()\n    await loop.run_in_executor(None, epics.caput, "X", 1)\nasyncio.run(main())',
    expected: [{ line: 4, rule: "epics.caput", severity: "medium" }],
  },
  {
    name: "caput registered with atexit",
    code: 'import atexit, epics\natexit.register(epics.caput, "BL:SHUTTER", 0)',
    expected: [{ line: 2, rule: "epics.caput", severity: "medium" }],
  },
  {
    name: "os.system of a cleanup command registered with atexit",
    code: 'import atexit, os\natexit.register(os.system, "rm -rf build")',
    expected: [{ line: 2, rule: "process.os_system", severity: "high" }],
  },
  {
    name: "shutil.rmtree of /data registered with weakref.finalize",
    code: 'import weakref, shutil\nclass A: pass\na = A()\nweakref.finalize(a, shutil.rmtree, "/data/tmp")',
    expected: [{ line: 4, rule: "filesystem.delete", severity: "high" }],
  },
  {
    name: "os.system scheduled with sched",
    code: 'import sched, time, os\ns = sched.scheduler(time.time, time.sleep)\ns.enter(1, 1, os.system, ("id",))\ns.run()',
    expected: [{ line: 3, rule: "process.os_system", severity: "high" }],
  },
  {
    name: "PV.put on a parameter annotated epics.PV",
    code: "import epics\ndef set_value(pv: epics.PV, v: float) -> None:\n    pv.put(v)",
    expected: [{ line: 3, rule: "epics.pv_put", severity: "medium" }],
  },
  {
    name: "Motor.move on a parameter annotated Motor",
    code: "from epics import Motor\ndef go(m: Motor, x):\n    m.move(x)",
    expected: [{ line: 3, rule: "epics.motor_write", severity: "medium" }],
  },
  {
    name: "command_inout on a parameter annotated DeviceProxy",
    code: 'from tango import DeviceProxy\ndef on(dev: DeviceProxy):\n    dev.command_inout("On")',
    expected: [{ line: 3, rule: "tango.command_inout", severity: "medium" }],
  },
  {
    name: "PV put through a dataclass field annotated epics.PV",
    code: "from dataclasses import dataclass\nimport epics\n@dataclass\nclass Knob:\n    pv: epics.PV\n    def nudge(self, d):\n        self.pv.put(self.pv.get() + d)",
    expected: [
      { line: 7, rule: "epics.pv_get", severity: "low" },
      { line: 7, rule: "epics.pv_put", severity: "medium" },
    ],
  },
  {
    name: "epics.PV class bound to a variable then instantiated",
    code: 'import epics\ncls = epics.PV\ncls("X").put(1)',
    expected: [{ line: 3, rule: "epics.pv_put", severity: "medium" }],
  },
  {
    name: "put on a PV indexed out of a list comprehension",
    code: 'import epics\n[epics.PV(n) for n in ["A", "B"]][0].put(1)',
    expected: [{ line: 2, rule: "epics.pv_put", severity: "medium" }],
  },
  {
    name: "write under an f-string starting with $HOME",
    code: 'import os\nwith open(f"{os.environ[\'HOME\']}/notes.txt", "w") as fh:\n    fh.write("x")',
    expected: [
      { line: 2, rule: "environment.read", severity: "low" },
      { line: 2, rule: "filesystem.write", severity: "high" },
    ],
  },
  {
    name: "write under os.path.join(os.sep, ...)",
    code: 'import os\nopen(os.path.join(os.sep, "etc", "motd"), "w").write("x")',
    expected: [{ line: 2, rule: "filesystem.write", severity: "high" }],
  },
  {
    name: "Path('/').joinpath(...).write_text",
    code: 'from pathlib import Path\nPath("/").joinpath("etc", "motd").write_text("x")',
    expected: [{ line: 2, rule: "filesystem.write", severity: "high" }],
  },
  {
    name: "os.system as a class's __call__",
    code: 'import os\nclass Runner:\n    __call__ = staticmethod(os.system)\nRunner()("id")',
    expected: [{ line: 3, rule: "process.os_system", severity: "high" }],
  },
  {
    name: "map(os.system) unpacked into print",
    code: 'import os\nprint(*map(os.system, ["id"]))',
    expected: [{ line: 2, rule: "process.os_system", severity: "high" }],
  },
  {
    name: "os.system called in a default argument",
    code: 'import os\ndef f(x=os.system("id")):\n    return x',
    expected: [{ line: 2, rule: "process.os_system", severity: "high" }],
  },
  {
    name: "os.system called inside an f-string",
    code: "import os\nmsg = f\"{os.system('id')}\"",
    expected: [{ line: 2, rule: "process.os_system", severity: "high" }],
  },
  {
    name: "os.system called in an assert",
    code: 'import os\nassert os.system("id") == 0',
    expected: [{ line: 2, rule: "process.os_system", severity: "high" }],
  },
  {
    name: "os.system called in a parameter annotation",
    code: 'import os\ndef f(x: os.system("id")):\n    pass',
    expected: [{ line: 2, rule: "process.os_system", severity: "high" }],
  },
  {
    name: "os.system in a match guard",
    code: 'import os\nmatch 1:\n    case x if os.system("id"):\n        pass',
    expected: [{ line: 3, rule: "process.os_system", severity: "high" }],
    minPython: [3, 10],
  },
  {
    name: "os.system in a walrus inside a comprehension filter",
    code: 'import os\ncmds = ["id"]\nr = [y for x in cmds if (y := os.system(x))]',
    expected: [{ line: 3, rule: "process.os_system", severity: "high" }],
  },
  {
    name: "yield from subprocess output",
    code: 'import subprocess\ndef g():\n    yield from subprocess.check_output(["ls"]).splitlines()',
    expected: [{ line: 3, rule: "process.subprocess", severity: "high" }],
  },
  {
    name: "print(file=open('/etc/motd', 'w'))",
    code: 'print("x", file=open("/etc/motd", "w"))',
    expected: [{ line: 1, rule: "filesystem.write", severity: "high" }],
  },
  {
    name: "sys.stdout redirected to a file under /var/log",
    code: 'import sys\nsys.stdout = open("/var/log/analysis.log", "w")',
    expected: [{ line: 2, rule: "filesystem.write", severity: "high" }],
  },
  {
    name: "json.dump into open('/etc/...', 'w')",
    code: 'import json\njson.dump({}, open("/etc/x.json", "w"))',
    expected: [{ line: 2, rule: "filesystem.write", severity: "high" }],
  },
  {
    name: "pandas ExcelWriter in a home folder",
    code: 'import pandas as pd\ndf = pd.DataFrame({"a": [1]})\nwith pd.ExcelWriter("/home/ops/report.xlsx") as w:\n    df.to_excel(w)',
    expected: [{ line: 3, rule: "filesystem.write", severity: "high" }],
  },
  {
    name: "PdfPages in a home folder",
    code: 'from matplotlib.backends.backend_pdf import PdfPages\nimport matplotlib.pyplot as plt\nwith PdfPages("/home/ops/plots.pdf") as pdf:\n    pdf.savefig(plt.figure())',
    expected: [{ line: 3, rule: "filesystem.write", severity: "high" }],
  },
  {
    name: "os.open of /etc/x for writing",
    code: 'import os\nfd = os.open("/etc/x", os.O_WRONLY | os.O_CREAT)\nos.fdopen(fd, "w").write("x")',
    expected: [{ line: 2, rule: "filesystem.write", severity: "high" }],
  },
  {
    name: "one with statement reading inside and appending to /etc/hosts",
    code: 'with open("/etc/hosts", "a") as f, open("x.txt") as g:\n    f.write(g.read())',
    expected: [
      { line: 1, rule: "filesystem.read", severity: "low" },
      { line: 1, rule: "filesystem.write", severity: "high" },
    ],
  },
  {
    name: "caput reached through sys.modules['epics']",
    code: 'import sys, epics\nsys.modules["epics"].caput("X", 1)',
    expected: [
      { line: 2, rule: "dynamic.sys_modules_read", severity: "medium" },
      { line: 2, rule: "epics.caput", severity: "medium" },
    ],
  },
  {
    name: "caput hidden in an exec string",
    code: "exec(\"import epics; epics.caput('X', 1)\")",
    expected: [{ line: 1, rule: "dynamic.exec", severity: "high" }],
  },
  {
    name: "os.remove(__file__)",
    code: "import os\nos.remove(__file__)",
    expected: [{ line: 2, rule: "filesystem.delete", severity: "medium" }],
  },
  {
    name: "write to a raw block device",
    code: 'open("/dev/sda", "wb").write(b"0")',
    expected: [{ line: 1, rule: "filesystem.write", severity: "high" }],
  },
  {
    name: "np.memmap opened w+ under /data",
    code: 'import numpy as np\nm = np.memmap("/data/big.raw", dtype="f4", mode="w+", shape=(10,))',
    expected: [{ line: 2, rule: "filesystem.write", severity: "high" }],
  },
  {
    name: "PATH prepended with a temporary folder",
    code: 'import os\nos.environ["PATH"] = "/tmp/evil:" + os.environ["PATH"]',
    expected: [
      { line: 2, rule: "environment.read", severity: "low" },
      { line: 2, rule: "environment.write", severity: "medium" },
    ],
  },
  {
    name: "LD_PRELOAD set",
    code: 'import os\nos.environ["LD_PRELOAD"] = "/tmp/x.so"',
    expected: [{ line: 2, rule: "environment.write", severity: "medium" }],
  },
  {
    name: "pvaccess putDouble looked up with getattr",
    code: 'import pvaccess\nch = pvaccess.Channel("X")\ngetattr(ch, "putDouble")(1.0)',
    expected: [{ line: 3, rule: "pvaccess.put", severity: "medium" }],
  },
  {
    name: "caproto pyepics_compat caput imported by name",
    code: 'from caproto.threading.pyepics_compat import caput\ncaput("X", 1)',
    expected: [{ line: 2, rule: "epics.caput", severity: "medium" }],
  },
  {
    name: "epics.ca.put on a PV's chid",
    code: 'import epics\npv = epics.PV("X")\nepics.ca.put(pv.chid, 1)',
    expected: [{ line: 3, rule: "epics.caput", severity: "medium" }],
  },
  {
    name: "subprocess.run of the caput binary found with shutil.which",
    code: 'import shutil, subprocess\nexe = shutil.which("caput")\nsubprocess.run([exe, "X", "1"])',
    expected: [{ line: 3, rule: "process.subprocess", severity: "high" }],
  },
  {
    name: "os.system running the caput command line",
    code: 'import os\nos.system("caput BL1:SHUTTER 1")',
    expected: [{ line: 2, rule: "process.os_system", severity: "high" }],
  },
];

/**
 * Look-alikes that must not be flagged as risky: the dangerous words in comments, strings and docstrings,
 * `model.eval()`, `df.eval()`, `queue.put()`, `d.get()`, `requests_cache`, local names that shadow builtins,
 * writes inside the execution folder (also through `os.getcwd()`, `Path.cwd()`, `glob` and `os.walk`), and
 * control-system reads. Low-severity (informational) findings are listed where they are expected.
 */
export const BENIGN_SNIPPETS: readonly CorpusCase[] = [
  {
    name: "dangerous text in comments and strings",
    code: '# os.system("rm -rf /")\nnote = "eval(x) and exec(y) and subprocess.run"\nresults = {"note": note}',
    expected: [],
  },
  {
    name: "dangerous text in a docstring",
    code: 'def f():\n    """Calls os.system and pickle.loads, in theory."""\n    return 1\n\nresults = {"v": f()}',
    expected: [],
  },
  {
    name: "model.eval()",
    code: "import torch\nmodel = torch.nn.Linear(2, 2)\nmodel.eval()\nresults = {}",
    expected: [],
  },
  {
    name: "df.eval()",
    code: 'import pandas as pd\ndf = pd.DataFrame({"a": [1], "b": [2]})\ndf["c"] = df.eval("a + b")\nresults = df.to_dict()',
    expected: [],
  },
  {
    name: "queue.put and get",
    code: 'import queue\nq = queue.Queue()\nq.put(1)\nresults = {"v": q.get()}',
    expected: [],
  },
  {
    name: "dict.get",
    code: 'd = {"a": 1}\nresults = {"a": d.get("a"), "b": d.get("b", 0)}',
    expected: [],
  },
  {
    name: "requests_cache is not requests",
    code: 'import requests_cache\nsession = requests_cache.CachedSession("cache")\nresults = {}',
    expected: [],
  },
  {
    name: "a parameter named eval",
    code: 'def apply(eval, x):\n    return eval(x)\n\nresults = {"v": apply(abs, -1)}',
    expected: [],
  },
  {
    name: "a local function named eval",
    code: 'def eval(x):\n    return x * 2\n\nresults = {"v": eval(3)}',
    expected: [],
  },
  {
    name: "a variable named exec",
    code: 'exec = lambda s: s.upper()\nresults = {"v": exec("a")}',
    expected: [],
  },
  {
    name: "a local compile function",
    code: 'def compile(pattern):\n    return pattern\n\nresults = {"p": compile("a+")}',
    expected: [],
  },
  {
    name: "re.compile",
    code: 'import re\npat = re.compile(r"\\d+")\nresults = {"n": len(pat.findall("a1b22"))}',
    expected: [],
  },
  {
    name: "ast.literal_eval",
    code: 'import ast\nresults = {"v": ast.literal_eval("[1, 2]")}',
    expected: [],
  },
  {
    name: "cursor.execute",
    code: 'import sqlite3\nconn = sqlite3.connect("data.db")\ncur = conn.cursor()\ncur.execute("select 1")\nresults = {"rows": cur.fetchall()}',
    expected: [],
  },
  {
    name: "open for writing inside the folder",
    code: 'with open("summary.txt", "w") as fh:\n    fh.write("ok")\nresults = {}',
    expected: [],
  },
  {
    name: "open for appending in a subfolder",
    code: 'open("data/log.txt", "a").write("line\\n")\nresults = {}',
    expected: [],
  },
  {
    name: "open with an f-string relative path",
    code: 'for i in range(3):\n    with open(f"part_{i}.txt", "w") as fh:\n        fh.write(str(i))\nresults = {}',
    expected: [],
  },
  {
    name: "json.dump to a relative file",
    code: 'import json\nresults = {"a": 1}\njson.dump(results, open("results_copy.json", "w"))',
    expected: [],
  },
  {
    name: "matplotlib savefig inside",
    code: 'import matplotlib\nmatplotlib.use("Agg")\nimport matplotlib.pyplot as plt\nfig, ax = plt.subplots()\nax.plot([1, 2, 3])\nplt.savefig("figures/trend.png")\nfig.savefig("trend2.png")\nresults = {}',
    expected: [],
  },
  {
    name: "pandas to_csv inside",
    code: 'import pandas as pd\ndf = pd.DataFrame({"a": [1, 2]})\ndf.to_csv("table.csv", index=False)\nresults = {"rows": len(df)}',
    expected: [],
  },
  {
    name: "Path inside the folder",
    code: 'from pathlib import Path\nout = Path("plots")\nout.mkdir(exist_ok=True)\n(out / "a.txt").write_text("x")\nresults = {}',
    expected: [],
  },
  {
    name: "makedirs and remove inside",
    code: 'import os\nos.makedirs("out/plots", exist_ok=True)\nopen("tmp.txt", "w").close()\nos.remove("tmp.txt")\nresults = {}',
    expected: [],
  },
  {
    name: "shutil.copy inside",
    code: 'import shutil\nshutil.copy("a.csv", "backup/a.csv")\nresults = {}',
    expected: [],
  },
  {
    name: "reading files",
    code: 'with open("input.csv") as fh:\n    rows = fh.read().splitlines()\nresults = {"n": len(rows)}',
    expected: [{ line: 1, rule: "filesystem.read", severity: "low" }],
  },
  {
    name: "os.path checks",
    code: 'import os\nresults = {"exists": os.path.exists("/etc/hosts"), "files": os.listdir(".")}',
    expected: [],
  },
  {
    name: "environment variable read",
    code: 'import os\nhome = os.getenv("HOME")\nresults = {"home": home}',
    expected: [{ line: 2, rule: "environment.read", severity: "low" }],
  },
  {
    name: "numpy load without pickle",
    code: 'import numpy as np\narr = np.load("data.npy")\nnp.save("copy.npy", arr)\nresults = {"shape": list(arr.shape)}',
    expected: [],
  },
  {
    name: "pickle.dumps only",
    code: 'import pickle\nblob = pickle.dumps({"a": 1})\nresults = {"size": len(blob)}',
    expected: [],
  },
  {
    name: "yaml.safe_load",
    code: 'import yaml\ncfg = yaml.safe_load("a: 1")\nother = yaml.load("b: 2", Loader=yaml.SafeLoader)\nresults = cfg',
    expected: [],
  },
  {
    name: "importlib.metadata",
    code: 'import importlib.metadata\nresults = {"numpy": importlib.metadata.version("numpy")}',
    expected: [],
  },
  {
    name: "socket.gethostname",
    code: 'import socket\nresults = {"host": socket.gethostname()}',
    expected: [],
  },
  {
    name: "a method named system on our own class",
    code: 'class Runner:\n    def system(self, cmd):\n        return cmd\n\nresults = {"v": Runner().system("ls")}',
    expected: [],
  },
  {
    name: "a variable named subprocess",
    code: 'subprocess = "not the module"\nresults = {"v": subprocess.upper()}',
    expected: [],
  },
  {
    name: "getattr on a plain object",
    code: 'class C:\n    x = 1\n\nname = "x"\nresults = {"v": getattr(C(), name)}',
    expected: [],
  },
  {
    name: "getattr on numpy",
    code: 'import numpy as np\nfn = getattr(np, "mean")\nresults = {"m": float(fn([1, 2, 3]))}',
    expected: [],
  },
  {
    name: "star import of math",
    code: 'from math import *\nresults = {"r": sqrt(2), "s": sum([1, 2])}',
    expected: [],
  },
  {
    name: "subprocess exceptions only",
    code: "import subprocess\ntry:\n    pass\nexcept subprocess.CalledProcessError as exc:\n    print(exc)\nresults = {}",
    expected: [],
  },
  {
    name: "EPICS reads only",
    code: 'from epics import caget, PV\nx = caget("SR:C01:BPM:X")\npv = PV("SR:C01:BPM:Y")\ny = pv.get()\nresults = {"x": x, "y": y, "z": pv.value}',
    expected: [
      { line: 2, rule: "epics.caget", severity: "low" },
      { line: 4, rule: "epics.pv_get", severity: "low" },
      { line: 5, rule: "epics.pv_get", severity: "low" },
    ],
  },
  {
    name: "p4p get only",
    code: 'from p4p.client.thread import Context\nctxt = Context("pva")\nresults = {"v": ctxt.get("SR:BPM:X")}',
    expected: [{ line: 3, rule: "p4p.get", severity: "low" }],
  },
  {
    name: "Tango read only",
    code: 'import tango\ndev = tango.DeviceProxy("sys/tg_test/1")\nresults = {"v": dev.read_attribute("double_scalar").value}',
    expected: [{ line: 3, rule: "tango.read_attribute", severity: "low" }],
  },
  {
    name: "caproto read only",
    code: 'from caproto.threading.client import Context\nctx = Context()\n(x,) = ctx.get_pvs("SR:BPM:X")\nresults = {"x": x.read().data[0]}',
    expected: [{ line: 4, rule: "caproto.read", severity: "low" }],
  },
  {
    name: "a put method on a local class",
    code: 'class Store:\n    def put(self, k, v):\n        self.k = v\n\ns = Store()\ns.put("a", 1)\nresults = {}',
    expected: [],
  },
  {
    name: "the word caput in text",
    code: 'msg = "use caput(pv, value) to write"\nprint(msg)\nresults = {"msg": msg}',
    expected: [],
  },
  {
    name: "threading with our own function",
    code: "import threading\n\ndef work():\n    return 1\n\nt = threading.Thread(target=work)\nt.start()\nt.join()\nresults = {}",
    expected: [],
  },
  {
    name: "os.environ copy for reading",
    code: 'import os\nenv = dict(os.environ)\nresults = {"n": len(env)}',
    expected: [],
  },
  {
    name: "string methods that look like code",
    code: 'text = "system"\nresults = {"v": text.replace("sys", "eco")}',
    expected: [],
  },
  {
    name: "Tango attribute read",
    code: 'import tango\ndev = tango.DeviceProxy("sr/ps/q1")\nresults = {"current": dev.current}',
    expected: [{ line: 3, rule: "tango.read_attribute", severity: "low" }],
  },
  {
    name: "urllib.parse helpers",
    code: 'from urllib.parse import quote, urlencode\nresults = {"q": quote("a b"), "e": urlencode({"a": 1})}',
    expected: [],
  },
  {
    name: "pandas reads an absolute path",
    code: 'import pandas as pd\ndf = pd.read_csv("/data/archive/bpm.csv")\nresults = {"n": len(df)}',
    expected: [],
  },
  {
    name: "http status constants",
    code: 'import http\nresults = {"ok": int(http.HTTPStatus.OK)}',
    expected: [],
  },
  {
    name: "a default argument that is harmless",
    code: 'import math\n\ndef f(x, fn=math.sqrt):\n    return fn(x)\n\nresults = {"v": f(4)}',
    expected: [],
  },
  {
    name: "a dict of harmless handlers",
    code: 'import statistics\nops = {"mean": statistics.mean}\nresults = {"m": ops["mean"]([1, 2])}',
    expected: [],
  },
  {
    name: "keras-style compile and fit",
    code: 'class Model:\n    def compile(self, optimizer):\n        self.optimizer = optimizer\n\nm = Model()\nm.compile(optimizer="adam")\nresults = {}',
    expected: [],
  },
  {
    name: "timeit with a callable",
    code: 'import timeit\n\ndef work():\n    return sum(range(100))\n\nresults = {"t": timeit.timeit(work, number=10)}',
    expected: [],
  },
  {
    name: "a subclass of threading.Thread",
    code: "import threading\n\nclass Worker(threading.Thread):\n    def run(self):\n        self.total = 1\n\nw = Worker()\nw.start()\nw.join()\nresults = {}",
    expected: [],
  },
  {
    name: "HDF5 file read and written inside",
    code: 'import h5py\nwith h5py.File("data.h5", "w") as f:\n    f["x"] = [1, 2]\nresults = {}',
    expected: [],
  },
  {
    name: "class and name attributes",
    code: 'x = 3\nresults = {"type": x.__class__.__name__, "doc": len(str.__doc__ or "")}',
    expected: [],
  },
  {
    name: "a name rebound before use",
    code: 'import os\nshow = os.system\nshow = print\nshow("hello")\nresults = {}',
    expected: [],
  },
  {
    name: "exec-like method names",
    code: 'class Engine:\n    def exec_driver_sql(self, q):\n        return q\n\nresults = {"q": Engine().exec_driver_sql("select 1")}',
    expected: [],
  },
  {
    name: "model.eval() in a torch inference loop",
    code: 'import torch\n\nclass Net(torch.nn.Module):\n    def forward(self, x):\n        return x\n\nnet = Net()\nnet.eval()\nwith torch.no_grad():\n    out = net(torch.zeros(1))\nresults = {"shape": list(out.shape)}',
    expected: [],
  },
  {
    name: "sklearn estimator fit and score",
    code: 'from sklearn.linear_model import LinearRegression\nimport numpy as np\nX = np.arange(10).reshape(-1, 1)\nmodel = LinearRegression().fit(X, X.ravel())\nresults = {"r2": model.score(X, X.ravel())}',
    expected: [],
  },
  {
    name: "df.query then df.eval with an assignment",
    code: 'import pandas as pd\ndf = pd.DataFrame({"a": [1, 2], "b": [3, 4]})\ndf = df.query("a > 1").eval("c = a + b")\nresults = df.to_dict()',
    expected: [],
  },
  {
    name: "pandas.eval of an expression",
    code: 'import pandas as pd\ndf1 = pd.DataFrame({"x": [1]})\ndf2 = pd.DataFrame({"x": [2]})\ntotal = pd.eval("df1 + df2")\nresults = {"t": total.to_dict()}',
    expected: [],
  },
  {
    name: "queue put_nowait and get",
    code: 'from queue import Queue\nq = Queue()\nfor i in range(3):\n    q.put_nowait(i)\nresults = {"first": q.get()}',
    expected: [],
  },
  {
    name: "multiprocessing Queue put",
    code: 'import multiprocessing as mp\nq = mp.Queue()\nq.put({"a": 1})\nresults = {"v": q.get()}',
    expected: [],
  },
  {
    name: "asyncio Queue put",
    code: 'import asyncio\n\nasync def main():\n    q = asyncio.Queue()\n    await q.put(1)\n    return await q.get()\n\nresults = {"v": asyncio.run(main())}',
    expected: [],
  },
  {
    name: "cache.get with a default",
    code: 'cache = {}\n\ndef lookup(k):\n    return cache.get(k, None)\n\nresults = {"v": lookup("a")}',
    expected: [],
  },
  {
    name: "ConfigParser get",
    code: 'import configparser\ncfg = configparser.ConfigParser()\ncfg.read_string("[a]\\nb = 1")\nresults = {"b": cfg.get("a", "b")}',
    expected: [],
  },
  {
    name: "re.compile with flags",
    code: 'import re\nPATTERN = re.compile(r"^(\\w+):(\\d+)$", re.MULTILINE)\nresults = {"m": PATTERN.findall("a:1\\nb:2")}',
    expected: [],
  },
  {
    name: "np.load of an npz archive",
    code: 'import numpy as np\nwith np.load("arrays.npz") as data:\n    x = data["x"]\nresults = {"n": int(x.size)}',
    expected: [],
  },
  {
    name: "np.load with allow_pickle=False and mmap_mode",
    code: 'import numpy as np\narr = np.load("big.npy", mmap_mode="r", allow_pickle=False)\nresults = {"mean": float(arr.mean())}',
    expected: [],
  },
  {
    name: "json.loads of text",
    code: "import json\npayload = '{\"a\": [1, 2, 3]}'\nresults = json.loads(payload)",
    expected: [],
  },
  {
    name: "json.load of a local file",
    code: 'import json\nwith open("config.json") as fh:\n    cfg = json.load(fh)\nresults = {"keys": sorted(cfg)}',
    expected: [{ line: 2, rule: "filesystem.read", severity: "low" }],
  },
  {
    name: "ast.literal_eval imported by name",
    code: 'from ast import literal_eval\nrow = {"coords": "(1, 2)"}\nresults = {"xy": literal_eval(row["coords"])}',
    expected: [],
  },
  {
    name: "csv.writer on a relative file",
    code: 'import csv\nwith open("out.csv", "w", newline="") as fh:\n    w = csv.writer(fh)\n    w.writerow(["a", "b"])\nresults = {}',
    expected: [],
  },
  {
    name: "savefig into a Path subfolder",
    code: 'from pathlib import Path\nimport matplotlib.pyplot as plt\nout = Path("figures")\nout.mkdir(exist_ok=True)\nplt.plot([1, 2, 3])\nplt.savefig(out / "a.png", dpi=150)\nresults = {}',
    expected: [],
  },
  {
    name: "plt.savefig with bbox_inches",
    code: 'import matplotlib.pyplot as plt\nfig, ax = plt.subplots()\nax.hist([1, 2, 2, 3])\nplt.savefig("plot.png", bbox_inches="tight")\nplt.close(fig)\nresults = {}',
    expected: [],
  },
  {
    name: "variables named exec_time, system and compile_stats",
    code: 'import time\nimport platform\nt0 = time.perf_counter()\nsystem = platform.system()\ncompile_stats = {"n": 3}\nexec_time = time.perf_counter() - t0\nresults = {"system": system, "t": exec_time, "stats": compile_stats}',
    expected: [],
  },
  {
    name: "an f-string and a docstring mentioning os.system",
    code: 'def describe(cmd):\n    """Never calls os.system(cmd); only formats it."""\n    return f"would run os.system({cmd!r}) via subprocess.Popen"\n\nresults = {"text": describe("ls")}',
    expected: [],
  },
  {
    name: "subprocess only in a string",
    code: 'tool = "subprocess"\nhint = "use " + tool + ".run([...])"\nresults = {"hint": hint}',
    expected: [],
  },
  {
    name: "comments with eval and exec",
    code: '# eval(input()) would be unsafe\n# exec(open("x.py").read())\nvalue = 2 + 2  # not eval\nresults = {"value": value}',
    expected: [],
  },
  {
    name: "PV names without any call",
    code: 'pv_name = "SR:C01:BPM:X"\nsetpoints = {"SR:C01:MAG:SP": 1.0}\nresults = {"pv": pv_name, "n": len(setpoints)}',
    expected: [],
  },
  {
    name: "a user class with system, put and remove methods",
    code: 'class Inventory:\n    def __init__(self):\n        self.items = {}\n\n    def put(self, k, v):\n        self.items[k] = v\n\n    def remove(self, k):\n        self.items.pop(k, None)\n\n    def system(self):\n        return "inv"\n\ninv = Inventory()\ninv.put("a", 1)\ninv.remove("a")\nresults = {"s": inv.system()}',
    expected: [],
  },
  {
    name: "dict.pop, list.remove and set.discard",
    code: 'd = {"a": 1, "b": 2}\nd.pop("a")\nxs = [1, 2, 3]\nxs.remove(2)\ns = {1, 2}\ns.discard(1)\nresults = {"d": d, "xs": xs, "s": sorted(s)}',
    expected: [],
  },
  {
    name: "os.path helpers",
    code: 'import os\np = os.path.join("data", "raw.csv")\nresults = {"exists": os.path.exists(p), "size": os.path.getsize(p) if os.path.exists(p) else 0, "base": os.path.basename(p)}',
    expected: [],
  },
  {
    name: "os.environ.get with a default",
    code: 'import os\nlevel = os.environ.get("LOG_LEVEL", "INFO")\nresults = {"level": level}',
    expected: [{ line: 2, rule: "environment.read", severity: "low" }],
  },
  {
    name: "os.getcwd and os.listdir",
    code: 'import os\nresults = {"cwd": os.getcwd(), "files": sorted(os.listdir("."))}',
    expected: [],
  },
  {
    name: "shutil.copy into a backup subfolder",
    code: 'import os\nimport shutil\nos.makedirs("backup", exist_ok=True)\nshutil.copy("data.csv", os.path.join("backup", "data.csv"))\nresults = {}',
    expected: [],
  },
  {
    name: "Path.cwd() joined with a file name",
    code: 'from pathlib import Path\nout = Path.cwd() / "summary.txt"\nout.write_text("ok")\nresults = {"path": str(out)}',
    expected: [],
  },
  {
    name: "os.getcwd() joined for writing, with makedirs of its dirname",
    code: 'import os\npath = os.path.join(os.getcwd(), "results", "table.csv")\nos.makedirs(os.path.dirname(path), exist_ok=True)\nwith open(path, "w") as fh:\n    fh.write("a,b\\n")\nresults = {}',
    expected: [],
  },
  {
    name: "logging to a local file",
    code: 'import logging\nlogging.basicConfig(filename="run.log", level=logging.INFO)\nlog = logging.getLogger(__name__)\nlog.info("eval finished; system ok")\nresults = {}',
    expected: [],
  },
  {
    name: "collections and itertools",
    code: 'import collections\nimport itertools\ncounts = collections.Counter("mississippi")\npairs = list(itertools.combinations("abc", 2))\nresults = {"top": counts.most_common(1), "pairs": len(pairs)}',
    expected: [],
  },
  {
    name: "datetime arithmetic and formatting",
    code: 'import datetime as dt\nstart = dt.datetime(2024, 1, 1)\nstamps = [(start + dt.timedelta(hours=h)).strftime("%Y-%m-%d %H:%M") for h in range(3)]\nresults = {"stamps": stamps}',
    expected: [],
  },
  {
    name: "scipy optimize and signal",
    code: 'import numpy as np\nfrom scipy import optimize, signal\nres = optimize.minimize(lambda x: (x[0] - 1) ** 2, [0.0])\nsmooth = signal.savgol_filter(np.arange(20.0), 5, 2)\nresults = {"x": float(res.x[0]), "n": len(smooth)}',
    expected: [],
  },
  {
    name: "a list named requests",
    code: 'requests = [{"id": 1, "status": "ok"}]\nids = [r.get("id") for r in requests]\nresults = {"ids": ids}',
    expected: [],
  },
  {
    name: "pickle.dump to a local file",
    code: 'import pickle\nwith open("model.pkl", "wb") as fh:\n    pickle.dump({"w": [1, 2]}, fh)\nresults = {}',
    expected: [],
  },
  {
    name: "joblib.dump",
    code: 'import joblib\njoblib.dump({"a": 1}, "model.joblib")\nresults = {}',
    expected: [],
  },
  {
    name: "yaml.safe_load of a file",
    code: 'import yaml\nwith open("config.yaml") as fh:\n    cfg = yaml.safe_load(fh)\nresults = {"cfg": cfg}',
    expected: [{ line: 2, rule: "filesystem.read", severity: "low" }],
  },
  {
    name: "yaml.load with CSafeLoader",
    code: 'import yaml\ncfg = yaml.load("a: 1", Loader=yaml.CSafeLoader)\nresults = cfg',
    expected: [],
  },
  {
    name: "torch.load with weights_only=True",
    code: 'import torch\nstate = torch.load("weights.pt", weights_only=True)\nresults = {"keys": len(state)}',
    expected: [],
  },
  {
    name: "hashlib digest of a file",
    code: 'import hashlib\nwith open("data.bin", "rb") as fh:\n    digest = hashlib.sha256(fh.read()).hexdigest()\nresults = {"sha": digest}',
    expected: [{ line: 2, rule: "filesystem.read", severity: "low" }],
  },
  {
    name: "timeit.default_timer named compile_time",
    code: 'import timeit\nstart = timeit.default_timer()\ncompile_time = timeit.default_timer() - start\nresults = {"t": compile_time}',
    expected: [],
  },
  {
    name: "string methods counting eval",
    code: 'source = "eval(x); exec(y)"\nresults = {"evals": source.count("eval"), "clean": source.replace("exec", "run")}',
    expected: [],
  },
  {
    name: "dict keys named eval and exec",
    code: 'metrics = {"eval": 0.9, "exec": 0.1}\nresults = {"eval": metrics["eval"], "exec": metrics.get("exec")}',
    expected: [],
  },
  {
    name: "re.sub on code text",
    code: 'import re\nsnippet = "os.system(\'ls\')"\nresults = {"safe": re.sub(r"os\\.system\\(.*\\)", "pass", snippet)}',
    expected: [],
  },
  {
    name: "a Shell class with a run method",
    code: 'class Shell:\n    def run(self, cmd):\n        return f"dry run: {cmd}"\n\nresults = {"out": Shell().run("ls")}',
    expected: [],
  },
  {
    name: "platform.system, os.name and sys.platform",
    code: 'import os\nimport platform\nimport sys\nresults = {"system": platform.system(), "os": os.name, "platform": sys.platform, "cpus": os.cpu_count()}',
    expected: [],
  },
  {
    name: "os.walk and os.scandir over data",
    code: 'import os\nsizes = {}\nfor root, dirs, files in os.walk("data"):\n    for f in files:\n        sizes[f] = os.path.getsize(os.path.join(root, f))\nentries = [e.name for e in os.scandir(".")]\nresults = {"sizes": sizes, "n": len(entries)}',
    expected: [],
  },
  {
    name: "glob then os.remove inside the folder",
    code: 'import glob\nimport os\nfor f in glob.glob("tmp/*.png"):\n    os.remove(f)\nresults = {}',
    expected: [],
  },
  {
    name: "Path.glob then unlink inside the folder",
    code: 'from pathlib import Path\nfor p in Path("cache").glob("*.tmp"):\n    p.unlink()\nresults = {}',
    expected: [],
  },
  {
    name: "shutil.rmtree of build folders",
    code: 'import shutil\nfrom pathlib import Path\nshutil.rmtree("build", ignore_errors=True)\nshutil.rmtree(Path("out") / "tmp", ignore_errors=True)\nresults = {}',
    expected: [],
  },
  {
    name: "shutil.move into an archive subfolder",
    code: 'import shutil\nshutil.move("a.txt", "archive/a.txt")\nresults = {}',
    expected: [],
  },
  {
    name: "os.replace for an atomic write",
    code: 'import os\nwith open("table.csv.tmp", "w") as fh:\n    fh.write("a\\n")\nos.replace("table.csv.tmp", "table.csv")\nresults = {}',
    expected: [],
  },
  {
    name: "Path.unlink with missing_ok inside",
    code: 'from pathlib import Path\nPath("data/raw.csv").unlink(missing_ok=True)\nPath("out").mkdir(parents=True, exist_ok=True)\nresults = {}',
    expected: [],
  },
  {
    name: "io.open and codecs.open inside",
    code: 'import codecs\nimport io\nwith io.open("notes.txt", "w", encoding="utf-8") as fh:\n    fh.write("x")\nwith codecs.open("notes2.txt", "w", "utf-8") as fh:\n    fh.write("y")\nresults = {}',
    expected: [],
  },
  {
    name: "io.StringIO and BytesIO buffers",
    code: 'import io\nimport pandas as pd\nbuf = io.StringIO()\npd.DataFrame({"a": [1]}).to_csv(buf)\nraw = io.BytesIO(b"abc")\nresults = {"csv": buf.getvalue(), "n": len(raw.read())}',
    expected: [],
  },
  {
    name: "DataFrame writers inside the folder",
    code: 'import pandas as pd\ndf = pd.DataFrame({"a": [1, 2]})\ndf.to_parquet("data/out.parquet")\ndf.to_excel("report.xlsx", index=False)\ndf.to_json("out.json", orient="records")\nresults = {}',
    expected: [],
  },
  {
    name: "savefig with a Path and an f-string name",
    code: 'from pathlib import Path\nimport matplotlib.pyplot as plt\nfor i in range(2):\n    fig, ax = plt.subplots()\n    fig.savefig(Path("figures") / f"fig_{i}.png")\n    plt.close(fig)\nresults = {}',
    expected: [],
  },
  {
    name: "np.savez_compressed and tofile inside",
    code: 'import numpy as np\na = np.arange(4)\nnp.savez_compressed("arrays.npz", a=a)\na.tofile("a.bin")\nresults = {}',
    expected: [],
  },
  {
    name: "a local function named caput",
    code: 'log = []\n\ndef caput(name, value):\n    log.append((name, value))\n\ncaput("SR:MAG:SP", 1.0)\nresults = {"log": log}',
    expected: [],
  },
  {
    name: "reading the EPICS address list",
    code: 'import os\naddr = os.environ.get("EPICS_CA_ADDR_LIST", "")\nresults = {"addr": addr}',
    expected: [{ line: 2, rule: "environment.read", severity: "low" }],
  },
  {
    name: "os.environ copy and dict",
    code: 'import os\nenv = os.environ.copy()\nenv2 = dict(os.environ, LANG="C")\nresults = {"n": len(env) + len(env2)}',
    expected: [],
  },
  {
    name: "subprocess exception classes only",
    code: 'from subprocess import CalledProcessError, TimeoutExpired\n\ndef describe(exc):\n    return isinstance(exc, (CalledProcessError, TimeoutExpired))\n\nresults = {"v": describe(ValueError())}',
    expected: [],
  },
  {
    name: "isinstance check against socket.socket",
    code: 'import socket\n\ndef is_sock(x):\n    return isinstance(x, socket.socket)\n\nresults = {"v": is_sock(1), "host": socket.gethostname()}',
    expected: [],
  },
  {
    name: "HTTPStatus from http",
    code: 'from http import HTTPStatus\nresults = {"ok": HTTPStatus.OK.value}',
    expected: [],
  },
  {
    name: "ctypes and pickle named in strings",
    code: 'libs = ["ctypes", "pickle", "marshal"]\nnote = "ctypes.CDLL and pickle.loads are not used here"\nresults = {"libs": libs, "note": note}',
    expected: [],
  },
  {
    name: "functools.partial of numpy",
    code: 'import functools\nimport numpy as np\nround2 = functools.partial(np.round, decimals=2)\nresults = {"v": float(round2(3.14159))}',
    expected: [],
  },
  {
    name: "operator.attrgetter for sorting",
    code: 'import operator\nfrom collections import namedtuple\nRow = namedtuple("Row", "name score")\nrows = [Row("a", 2), Row("b", 1)]\nresults = {"order": [r.name for r in sorted(rows, key=operator.attrgetter("score"))]}',
    expected: [],
  },
  {
    name: "operator.methodcaller on strings",
    code: 'import operator\nlines = [" a ", " b"]\nresults = {"v": list(map(operator.methodcaller("strip"), lines))}',
    expected: [],
  },
  {
    name: "getattr on numpy with computed names",
    code: 'import numpy as np\nstats = {name: float(getattr(np, name)([1, 2, 3])) for name in ["mean", "median", "std"]}\nresults = stats',
    expected: [],
  },
  {
    name: "vars of an argparse namespace",
    code: "import argparse\nns = argparse.Namespace(a=1, b=2)\nresults = dict(vars(ns))",
    expected: [],
  },
  {
    name: "importlib.util.find_spec availability check",
    code: 'import importlib.util\nHAS_SCIPY = importlib.util.find_spec("scipy") is not None\nresults = {"scipy": HAS_SCIPY}',
    expected: [],
  },
  {
    name: "a dataclass with a field named system",
    code: 'from dataclasses import dataclass\n\n@dataclass\nclass Host:\n    name: str\n    system: str = "linux"\n\nresults = {"h": Host("a").system}',
    expected: [],
  },
  {
    name: "scipy.io.loadmat and an h5py read",
    code: 'import h5py\nfrom scipy.io import loadmat\nmat = loadmat("data.mat")\nwith h5py.File("data.h5", "r") as f:\n    x = f["x"][()]\nresults = {"keys": sorted(mat)}',
    expected: [{ line: 4, rule: "filesystem.read", severity: "low" }],
  },
  {
    name: "user functions named evaluate and execute",
    code: 'def evaluate(model, data):\n    return sum(data) / len(data)\n\ndef execute(plan):\n    return [step.upper() for step in plan]\n\nresults = {"score": evaluate(None, [1, 2]), "steps": execute(["a"])}',
    expected: [],
  },
  {
    name: "DataFrame.to_csv to stdout",
    code: 'import sys\nimport pandas as pd\npd.DataFrame({"a": [1]}).to_csv(sys.stdout)\nresults = {}',
    expected: [],
  },
  {
    name: "savefig into a BytesIO buffer",
    code: 'import io\nimport matplotlib.pyplot as plt\nbuf = io.BytesIO()\nplt.plot([1])\nplt.savefig(buf, format="png")\nresults = {"bytes": len(buf.getvalue())}',
    expected: [],
  },
  {
    name: "Path.home() only checked for existence",
    code: 'from pathlib import Path\ncfg = Path.home() / ".config" / "tool.toml"\nresults = {"exists": cfg.exists()}',
    expected: [],
  },
  {
    name: "open(os.devnull) to silence output",
    code: 'import contextlib\nimport os\nwith open(os.devnull, "w") as sink, contextlib.redirect_stdout(sink):\n    print("noise")\nresults = {}',
    expected: [],
  },
  {
    name: "tarfile creating an archive inside",
    code: 'import tarfile\nwith tarfile.open("results.tar.gz", "w:gz") as tar:\n    tar.add("figures")\nresults = {}',
    expected: [],
  },
  {
    name: "zipfile writing inside",
    code: 'import zipfile\nwith zipfile.ZipFile("out.zip", "w") as zf:\n    zf.write("table.csv")\nresults = {}',
    expected: [],
  },
  {
    name: "ThreadPoolExecutor mapping numpy",
    code: 'from concurrent.futures import ThreadPoolExecutor\nimport numpy as np\nchunks = [np.arange(5), np.arange(3)]\nwith ThreadPoolExecutor(2) as ex:\n    means = list(ex.map(np.mean, chunks))\nresults = {"means": [float(m) for m in means]}',
    expected: [],
  },
  {
    name: "multiprocessing Pool with a user function",
    code: 'import multiprocessing as mp\n\ndef square(x):\n    return x * x\n\nif __name__ == "__main__":\n    with mp.Pool(2) as pool:\n        results = {"v": pool.map(square, range(4))}',
    expected: [],
  },
  {
    name: "EPICS reads: caget_many, PV.get with a timeout, get_ctrlvars",
    code: 'from epics import caget_many, PV\nvals = caget_many(["A:RB", "B:RB"])\npv = PV("A:RB")\nv = pv.get(timeout=1.0)\nlimits = pv.get_ctrlvars()\nresults = {"vals": vals, "v": v, "lim": limits}',
    expected: [
      { line: 2, rule: "epics.caget", severity: "low" },
      { line: 4, rule: "epics.pv_get", severity: "low" },
      { line: 5, rule: "epics.pv_get", severity: "low" },
    ],
  },
  {
    name: "caget mapped over names",
    code: 'from epics import caget\nnames = ["A:RB", "B:RB"]\nresults = {"v": list(map(caget, names))}',
    expected: [{ line: 3, rule: "epics.caget", severity: "low" }],
  },
  {
    name: "p4p get and monitor",
    code: 'from p4p.client.thread import Context\nctx = Context("pva")\nvals = ctx.get(["A:RB", "B:RB"])\nsub = ctx.monitor("A:RB", print)\nsub.close()\nresults = {"n": len(vals)}',
    expected: [
      { line: 3, rule: "p4p.get", severity: "low" },
      { line: 4, rule: "p4p.get", severity: "low" },
    ],
  },
  {
    name: "Tango state() and read_attribute",
    code: 'import tango\ndev = tango.DeviceProxy("sr/ps/q1")\nstate = dev.state()\ncur = dev.read_attribute("current").value\nresults = {"state": str(state), "cur": cur}',
    expected: [{ line: 4, rule: "tango.read_attribute", severity: "low" }],
  },
  {
    name: "pvaccess get",
    code: 'import pvaccess\nch = pvaccess.Channel("SR:BPM:X")\nresults = {"x": ch.get().getDouble()}',
    expected: [{ line: 3, rule: "pvaccess.get", severity: "low" }],
  },
  {
    name: "caproto sync read",
    code: 'from caproto.sync.client import read\nresults = {"x": read("SR:BPM:X").data[0]}',
    expected: [{ line: 2, rule: "caproto.read", severity: "low" }],
  },
  {
    name: "names and strings containing put and caput",
    code: 'put_value = 3\nput_call_ratio = 0.7\nlabel = "caput SR:MAG:SP"\nresults = {"v": put_value, "r": put_call_ratio, "label": label}',
    expected: [],
  },
  {
    name: "an options DataFrame with a put column",
    code: 'import pandas as pd\ndf = pd.DataFrame({"put": [1.0, 2.0], "call": [2.0, 2.0]})\ndf["ratio"] = df.put / df.call\nputs = df[df["put"] > 1]\nresults = {"n": len(puts)}',
    expected: [],
  },
  {
    name: "os.path.abspath of a relative output",
    code: 'import os\nout = os.path.abspath("out.txt")\nwith open(out, "w") as fh:\n    fh.write("x")\nresults = {}',
    expected: [],
  },
  {
    name: "Path.resolve of a relative output and its parent",
    code: 'from pathlib import Path\np = Path("reports/summary.md").resolve()\np.parent.mkdir(parents=True, exist_ok=True)\np.write_text("# Report")\nresults = {}',
    expected: [],
  },
  {
    name: "eval in dir(builtins) as text",
    code: 'import builtins\nresults = {"has_eval": "eval" in dir(builtins)}',
    expected: [],
  },
  {
    name: "type() to name classes",
    code: 'values = [1, "a", 2.0]\nresults = {"types": [type(v).__name__ for v in values]}',
    expected: [],
  },
  {
    name: "class attribute holding a harmless function",
    code: 'import math\n\nclass Geo:\n    root = math.sqrt\n\nresults = {"v": Geo.root(9)}',
    expected: [],
  },
  {
    name: "lambda default that is harmless",
    code: 'import statistics\nagg = lambda xs, f=statistics.mean: f(xs)\nresults = {"v": agg([1, 2, 3])}',
    expected: [],
  },
  {
    name: "functools.lru_cache decorator",
    code: 'import functools\n\n@functools.lru_cache(maxsize=None)\ndef fib(n):\n    return n if n < 2 else fib(n - 1) + fib(n - 2)\n\nresults = {"f": fib(20)}',
    expected: [],
  },
  {
    name: "marshal.dumps only",
    code: 'import marshal\nblob = marshal.dumps([1, 2])\nresults = {"n": len(blob)}',
    expected: [],
  },
  {
    name: "reading a system file",
    code: 'with open("/etc/os-release") as fh:\n    info = fh.read()\nresults = {"n": len(info)}',
    expected: [{ line: 1, rule: "filesystem.read", severity: "low" }],
  },
  {
    name: "files sorted by modification time",
    code: 'import glob\nimport os\nfiles = sorted(glob.glob("data/*.csv"), key=os.path.getmtime)\nresults = {"latest": files[-1] if files else None}',
    expected: [],
  },
  {
    name: "zip and enumerate over plain lists",
    code: 'names = ["a", "b"]\nvals = [1, 2]\nresults = {n: (i, v) for i, (n, v) in enumerate(zip(names, vals))}',
    expected: [],
  },
  {
    name: "gzip text output inside",
    code: 'import gzip\nwith gzip.open("log.txt.gz", "wt") as fh:\n    fh.write("ok")\nresults = {}',
    expected: [],
  },
  {
    name: "logging.FileHandler in the folder",
    code: 'import logging\nhandler = logging.FileHandler("analysis.log")\nlogging.getLogger("run").addHandler(handler)\nresults = {}',
    expected: [],
  },
  {
    name: "globals() used to store results",
    code: 'globals()["results"] = {"a": 1}',
    expected: [],
  },
  {
    name: "requests mentioned only in a comment with urllib.parse",
    code: '# requests.get(url) is not used; we only build the URL\nfrom urllib.parse import urlencode, urljoin\nurl = urljoin("https://example.com/api/", "items") + "?" + urlencode({"q": "x"})\nresults = {"url": url}',
    expected: [],
  },
  {
    name: "sqlite with executescript",
    code: 'import sqlite3\nconn = sqlite3.connect("local.db")\nconn.executescript("create table if not exists t(a); insert into t values (1);")\nresults = {"n": conn.execute("select count(*) from t").fetchone()[0]}',
    expected: [],
  },
  {
    name: "tempfile scratch file without a folder",
    code: 'import tempfile\nimport pandas as pd\nwith tempfile.NamedTemporaryFile("w", suffix=".csv") as tmp:\n    pd.DataFrame({"a": [1]}).to_csv(tmp.name)\nresults = {}',
    expected: [],
  },
  {
    name: "os.symlink inside the folder",
    code: 'import os\nos.symlink("data/raw_2024.csv", "latest.csv")\nresults = {}',
    expected: [],
  },
  {
    name: "PVs read in a zip loop",
    code: 'from epics import PV\npvs = [PV("A:RB"), PV("B:RB")]\nresults = {name: pv.get() for name, pv in zip(["a", "b"], pvs)}',
    expected: [{ line: 3, rule: "epics.pv_get", severity: "low" }],
  },
  {
    name: "torch.compile of a model",
    code: 'import torch\nmodel = torch.nn.Linear(4, 1)\nfast = torch.compile(model)\nresults = {"ok": fast is not None}',
    expected: [],
  },
  {
    name: "keras model.compile",
    code: 'import tensorflow as tf\nmodel = tf.keras.Sequential([tf.keras.layers.Dense(1)])\nmodel.compile(optimizer="adam", loss="mse")\nresults = {}',
    expected: [],
  },
  {
    name: "a compiled regex kept as a class attribute",
    code: 'import re\n\nclass Parser:\n    rx = re.compile(r"(\\d+)")\n\n    def numbers(self, text):\n        return [int(m) for m in self.rx.findall(text)]\n\nresults = {"n": Parser().numbers("a1b22")}',
    expected: [],
  },
  {
    name: "os.walk of a data folder removing temp files",
    code: 'import os\nfor root, dirs, files in os.walk("scratch"):\n    for f in files:\n        if f.endswith(".tmp"):\n            os.remove(os.path.join(root, f))\nresults = {}',
    expected: [],
  },
  {
    name: "os.listdir of a subfolder removing files",
    code: 'import os\nfor f in os.listdir("tmp"):\n    os.remove(os.path.join("tmp", f))\nresults = {}',
    expected: [],
  },
  {
    name: "makedirs of the dirname of a relative path",
    code: 'import os\ntarget = "out/plots/a.png"\nos.makedirs(os.path.dirname(target), exist_ok=True)\nresults = {}',
    expected: [],
  },
  {
    name: "membership test on sys.modules",
    code: 'import sys\nresults = {"torch_loaded": "torch" in sys.modules}',
    expected: [],
  },
  {
    name: "np.load with mmap_mode and allow_pickle False by position",
    code: 'import numpy as np\na = np.load("a.npy", "r")\nb = np.load("b.npy", None, False)\nresults = {"n": int(a.size + b.size)}',
    expected: [],
  },
  {
    name: "json.dump into the working directory",
    code: 'import json\nimport os\ndata = {"a": 1}\njson.dump(data, open(os.path.join(os.getcwd(), "data.json"), "w"))\nresults = data',
    expected: [],
  },
  {
    name: "savefig through Path.cwd().joinpath",
    code: 'from pathlib import Path\nimport matplotlib.pyplot as plt\nplt.plot([1, 2])\nplt.savefig(Path.cwd().joinpath("plots", "a.png"))\nresults = {}',
    expected: [],
  },
  {
    name: "shutil.copytree into a backup folder",
    code: 'import shutil\nshutil.copytree("data", "data_backup", dirs_exist_ok=True)\nresults = {}',
    expected: [],
  },
  {
    name: "Path kept as a class attribute, written inside",
    code: 'from pathlib import Path\n\nclass Config:\n    out = Path("results")\n\nConfig.out.mkdir(exist_ok=True)\n(Config.out / "a.txt").write_text("x")\nresults = {}',
    expected: [],
  },
  {
    name: "Motor position read",
    code: 'import epics\nm = epics.Motor("IOC:m1")\npos = m.get_position()\nresults = {"pos": pos}',
    expected: [],
  },
  {
    name: "PV get as a string",
    code: 'import epics\nname = epics.PV("SR:BPM:X").get(as_string=True)\nresults = {"name": name}',
    expected: [{ line: 2, rule: "epics.pv_get", severity: "low" }],
  },
  {
    name: "logging text mentioning subprocess.run",
    code: 'import logging\nlogging.info("Running subprocess.run for %s", "job")\nhelp_text = """Use os.system carefully; prefer eval-free code."""\nresults = {"help": help_text}',
    expected: [],
  },
  {
    name: "Callable default in a signature",
    code: "import typing\n\ndef apply(x, cb: typing.Callable = print):\n    return cb(x)\n\nresults = {}",
    expected: [],
  },
  {
    name: "os.path functions passed to map and sorted",
    code: 'import os\nfiles = ["a.csv", "b.csv"]\nnames = list(map(os.path.basename, files))\nordered = sorted(os.listdir("."), key=os.path.getsize)\nresults = {"names": names, "n": len(ordered)}',
    expected: [],
  },
  {
    name: "model.train then model.eval",
    code: 'import torch\nmodel = torch.nn.Linear(2, 2)\nmodel.train()\nmode = "eval" if not model.training else "train"\nmodel.eval()\nresults = {"mode": mode}',
    expected: [],
  },
  {
    name: "re.compile bound to another name",
    code: 'import re\nrc = re.compile\npat = rc(r"\\s+")\nresults = {"parts": pat.split("a b  c")}',
    expected: [],
  },
  {
    name: "Path rename inside the folder",
    code: 'from pathlib import Path\nPath("out").mkdir(exist_ok=True)\nPath("out").rename("out_old")\nresults = {}',
    expected: [],
  },
  {
    name: "shutil.make_archive of figures inside",
    code: 'import shutil\nshutil.make_archive("results", "zip", "figures")\nresults = {}',
    expected: [],
  },
  {
    name: "tempfile folders created inside the folder",
    code: 'import tempfile\nwith tempfile.TemporaryDirectory(dir=".") as d:\n    pass\nscratch = tempfile.mkdtemp(dir="scratch")\nresults = {}',
    expected: [],
  },
  {
    name: "reading TANGO_HOST",
    code: 'import os\nresults = {"host": os.environ.get("TANGO_HOST")}',
    expected: [{ line: 2, rule: "environment.read", severity: "low" }],
  },
  {
    name: "an interpolation function called inline",
    code: 'import numpy as np\nfrom scipy.interpolate import interp1d\nf = interp1d(np.arange(3.0), np.arange(3.0) ** 2)\nresults = {"v": float(f(1.5))}',
    expected: [],
  },
  {
    name: "a helper that returns a numpy function",
    code: 'import numpy as np\n\ndef reducer(kind):\n    return np.mean if kind == "mean" else np.median\n\ndef pick():\n    return np.std\n\nresults = {"v": float(reducer("mean")([1, 2])), "s": float(pick()([1, 2]))}',
    expected: [],
  },
  {
    name: "PV reads through a lambda mapped over PVs",
    code: 'from epics import PV\npvs = [PV("A:RB"), PV("B:RB")]\nresults = {"v": list(map(lambda pv: pv.get(), pvs))}',
    expected: [{ line: 3, rule: "epics.pv_get", severity: "low" }],
  },
  {
    name: "tango attribute read by subscript",
    code: 'import tango\ndev = tango.DeviceProxy("sr/ps/q1")\nresults = {"current": dev["current"].value}',
    expected: [{ line: 3, rule: "tango.read_attribute", severity: "low" }],
  },
  {
    name: "dict(zip(...)) of plain values",
    code: 'names = ["a", "b"]\nresults = dict(zip(names, [1, 2]))',
    expected: [],
  },
  {
    name: "savers writing inside the folder",
    code: 'import joblib\nimport numpy as np\nimport matplotlib.pyplot as plt\nimport pandas as pd\nfrom scipy.io import savemat\njoblib.dump({"w": 1}, "model.joblib")\nplt.imsave("frame.png", np.zeros((4, 4)))\nsavemat("data.mat", {"a": [1]})\npd.to_pickle(pd.DataFrame({"a": [1]}), "frame.pkl")\nresults = {}',
    expected: [],
  },
  {
    name: "torch.save of a state dict inside",
    code: 'import torch\nmodel = torch.nn.Linear(2, 1)\ntorch.save(model.state_dict(), "model.pt")\nresults = {}',
    expected: [],
  },
  {
    name: "plotly figure written inside",
    code: 'import plotly.express as px\nfig = px.scatter(x=[1, 2], y=[2, 1])\nfig.write_html("scatter.html")\nfig.write_image("figures/scatter.png")\nresults = {}',
    expected: [],
  },
  {
    name: "logging.basicConfig with a local file",
    code: 'import logging\nfrom logging.handlers import RotatingFileHandler\nlogging.basicConfig(filename="logs/run.log", level=logging.INFO)\nlogging.getLogger().addHandler(RotatingFileHandler("logs/rot.log", maxBytes=1000))\nresults = {}',
    expected: [],
  },
  {
    name: "a lambda mapped over plain numbers",
    code: 'values = [1.0, 2.0, 3.0]\nresults = {"sq": list(map(lambda v: v * v, values)), "pos": list(filter(lambda v: v > 1, values))}',
    expected: [],
  },
  {
    name: "PV returned by a helper function, read only",
    code: 'from epics import PV\n\ndef bpm(name):\n    return PV(name)\n\nresults = {"x": bpm("SR:BPM:X").get()}',
    expected: [{ line: 6, rule: "epics.pv_get", severity: "low" }],
  },
  {
    name: "output path returned by a helper function, inside",
    code: 'import os\n\ndef output_path(name):\n    os.makedirs("results", exist_ok=True)\n    return f"results/{name}.csv"\n\nwith open(output_path("a"), "w") as fh:\n    fh.write("a,b")\nresults = {}',
    expected: [],
  },
  {
    name: "ophyd EpicsSignalRO read",
    code: 'from ophyd import EpicsSignalRO\ncurrent = EpicsSignalRO("SR:DCCT:CURRENT", name="current")\nresults = {"current": current.get()}',
    expected: [{ line: 3, rule: "epics.pv_get", severity: "low" }],
  },
  {
    name: "a helper function returning a DataFrame",
    code: 'import pandas as pd\n\ndef load():\n    return pd.DataFrame({"a": [1, 2]})\n\ndf = load()\ndf.to_csv("table.csv")\nresults = {"n": len(df)}',
    expected: [],
  },
  {
    name: "archived beam current smoothed and plotted",
    code: 'import pandas as pd\nimport matplotlib.pyplot as plt\ndf = pd.read_csv("archiver_export_SR_DCCT.csv", parse_dates=["time"])\ndf["current_ma"] = df["value"].rolling(60).mean()\nfig, ax = plt.subplots(figsize=(10, 4))\nax.plot(df["time"], df["current_ma"])\nfig.savefig("beam_current.png", dpi=150)\nresults = {"mean_current": float(df["value"].mean())}',
    expected: [],
  },
  {
    name: "caget of every sector BPM for an RMS",
    code: 'import epics\nimport numpy as np\nbpm_x = [epics.caget(f"SR:C{c:02d}:BPM:X") for c in range(1, 13)]\nresults = {"rms_x": float(np.std(bpm_x))}',
    expected: [{ line: 3, rule: "epics.caget", severity: "low" }],
  },
  {
    name: "a dict named caput",
    code: 'caput = {"pv": "BL1:X", "value": 3}\nprint(caput["pv"], caput["value"])',
    expected: [],
  },
  {
    name: "a user function named put",
    code: 'def put(store, key, value):\n    store[key] = value\n\nstore = {}\nput(store, "SR:DCCT", 401.2)',
    expected: [],
  },
  {
    name: "a local class named PV with a put method",
    code: 'class PV:\n    def __init__(self, name):\n        self.name = name\n\n    def put(self, value):\n        self.value = value\n\npv = PV("BL2:FAKE")\npv.put(3)',
    expected: [],
  },
  {
    name: "a caput command line in a string",
    code: 'cmd = "caput BL1:SHUTTER 1"\nprint("To open the shutter run:", cmd)',
    expected: [],
  },
  {
    name: "a list of setpoint PV names",
    code: 'PVS = ["SR:C01:MAG:QF1:SP", "SR:C01:MAG:QD1:SP"]\nresults = {"n": len(PVS), "names": PVS}',
    expected: [],
  },
  {
    name: "PV.get in a helper under the __main__ guard",
    code: 'import epics\n\ndef read_gap():\n    return epics.PV("ID7:GAP:RBV").get(timeout=2.0)\n\nif __name__ == "__main__":\n    print(read_gap())',
    expected: [{ line: 4, rule: "epics.pv_get", severity: "low" }],
  },
  {
    name: "p4p get of two BPMs",
    code: 'from p4p.client.thread import Context\nctx = Context("pva")\nvals = ctx.get(["SR:BPM:01:X", "SR:BPM:02:X"])\nresults = {"x": [float(v) for v in vals]}\nctx.close()',
    expected: [{ line: 3, rule: "p4p.get", severity: "low" }],
  },
  {
    name: "caproto read of one unpacked PV",
    code: 'from caproto.threading.client import Context\nctx = Context()\n(dcct,) = ctx.get_pvs("SR:DCCT")\nresults = {"current": float(dcct.read().data[0])}',
    expected: [{ line: 4, rule: "caproto.read", severity: "low" }],
  },
  {
    name: "pvaccess get of a field",
    code: 'import pvaccess as pva\nch = pva.Channel("BL9:DET:TEMP")\ntemp = ch.get("field(value)")["value"]',
    expected: [{ line: 3, rule: "pvaccess.get", severity: "low" }],
  },
  {
    name: "Tango State() and read_attribute",
    code: 'import tango\ndev = tango.DeviceProxy("sr/ps/qf1")\nstate = dev.State()\ncur = dev.read_attribute("Current").value\nresults = {"state": str(state), "current": cur}',
    expected: [
      { line: 3, rule: "tango.read_attribute", severity: "low" },
      { line: 4, rule: "tango.read_attribute", severity: "low" },
    ],
  },
  {
    name: "ophyd EpicsSignalRO read after wait_for_connection",
    code: 'from ophyd import EpicsSignalRO\nring = EpicsSignalRO("SR:DCCT", name="ring_current")\nring.wait_for_connection(timeout=5)\nresults = {"ring": ring.get()}',
    expected: [{ line: 4, rule: "epics.pv_get", severity: "low" }],
  },
  {
    name: "queue put and get of a PV reading",
    code: 'import queue\nq = queue.Queue()\nq.put(("SR:DCCT", 400.0))\nname, value = q.get()',
    expected: [],
  },
  {
    name: "Lorentzian fit of a tune scan",
    code: 'import numpy as np\nfrom scipy.optimize import curve_fit\ndata = np.loadtxt("tune_scan.txt", skiprows=1)\n\ndef lorentz(x, a, x0, g):\n    return a * g**2 / ((x - x0) ** 2 + g**2)\n\npopt, _ = curve_fit(lorentz, data[:, 0], data[:, 1], p0=[1, 0.25, 0.01])\nresults = {"tune": float(popt[1])}',
    expected: [],
  },
  {
    name: "CSV summary written inside try/finally",
    code: 'import csv\nrows = [("SR:DCCT", 401.0), ("SR:LIFETIME", 9.8)]\ntry:\n    with open("summary.csv", "w", newline="") as fh:\n        csv.writer(fh).writerows(rows)\nfinally:\n    print("done")',
    expected: [],
  },
  {
    name: "notes written into a plots subfolder",
    code: 'from pathlib import Path\nout = Path("plots")\nout.mkdir(exist_ok=True)\n(out / "notes.txt").write_text("orbit ok")',
    expected: [],
  },
  {
    name: "results written under Path.cwd()",
    code: 'from pathlib import Path\ntarget = Path.cwd() / "results" / "fit.json"\ntarget.parent.mkdir(parents=True, exist_ok=True)\ntarget.write_text("{}")',
    expected: [],
  },
  {
    name: "asyncio.gather of pure coroutines",
    code: 'import asyncio\n\nasync def compute(x):\n    await asyncio.sleep(0)\n    return x * x\n\nasync def main():\n    return await asyncio.gather(*(compute(i) for i in range(5)))\n\nresults = {"squares": asyncio.run(main())}',
    expected: [],
  },
  {
    name: "match on a machine-state mapping",
    code: 'def classify(state):\n    match state:\n        case {"mode": "top-off", "current": c} if c > 490:\n            return "nominal"\n        case {"mode": mode}:\n            return mode\n        case _:\n            return "unknown"\n\nresults = {"state": classify({"mode": "top-off", "current": 500})}',
    expected: [],
    minPython: [3, 10],
  },
  {
    name: "functools.reduce with operator.add",
    code: 'import functools\nimport operator\ntotal = functools.reduce(operator.add, [1, 2, 3, 4])\nresults = {"total": total}',
    expected: [],
  },
  {
    name: "operator.call of sum",
    code: 'import operator\nresults = {"v": operator.call(sum, [1, 2, 3])}',
    expected: [],
  },
  {
    name: "old plot removed inside the folder under suppress",
    code: 'import contextlib\nimport os\nwith contextlib.suppress(FileNotFoundError):\n    os.remove("old_plot.png")',
    expected: [],
  },
  {
    name: "ExitStack opening CSV files for reading",
    code: 'from contextlib import ExitStack\nnames = ["a.csv", "b.csv"]\nwith ExitStack() as stack:\n    files = [stack.enter_context(open(n)) for n in names]\n    header = [f.readline() for f in files]',
    expected: [{ line: 4, rule: "filesystem.read", severity: "low" }],
  },
  {
    name: "sys.exit(main()) under the __main__ guard",
    code: 'import sys\n\ndef main():\n    values = [1, 2, 3]\n    print(sum(values))\n    return 0\n\nif __name__ == "__main__":\n    sys.exit(main())',
    expected: [],
  },
  {
    name: "dataclass scan config with PV names",
    code: 'from dataclasses import dataclass, field\n\n@dataclass\nclass ScanConfig:\n    motor_pv: str = "BL4:MOT:THETA"\n    detector_pv: str = "BL4:DET:COUNTS"\n    points: list = field(default_factory=lambda: list(range(10)))\n\ncfg = ScanConfig()\nresults = {"n": len(cfg.points)}',
    expected: [],
  },
  {
    name: "generator parsing an archived CSV",
    code: 'def rows(lines):\n    for line in lines:\n        if line.startswith("#"):\n            continue\n        t, v = line.split(",")\n        yield float(t), float(v)\n\nwith open("dcct.csv") as fh:\n    data = list(rows(fh))',
    expected: [{ line: 8, rule: "filesystem.read", severity: "low" }],
  },
  {
    name: "threads running a pure worker",
    code: "import threading\nout = []\n\ndef work(i):\n    out.append(i * 2)\n\nthreads = [threading.Thread(target=work, args=(i,)) for i in range(4)]\nfor t in threads:\n    t.start()\nfor t in threads:\n    t.join()",
    expected: [],
  },
  {
    name: "caget mapped over BPM names by an executor",
    code: 'from concurrent.futures import ThreadPoolExecutor\nimport epics\nnames = ["SR:BPM:01:X", "SR:BPM:02:X"]\nwith ThreadPoolExecutor() as ex:\n    values = list(ex.map(epics.caget, names))',
    expected: [{ line: 5, rule: "epics.caget", severity: "low" }],
  },
  {
    name: "DataFrame.eval of a column expression",
    code: 'import pandas as pd\ndf = pd.DataFrame({"a": [1, 2], "b": [3, 4]})\ndf["c"] = df.eval("a + b")',
    expected: [],
  },
  {
    name: "variables named system and exec_time",
    code: 'system = "ALS"\nexec_time = 3.2\nresults = {"system": system, "exec_time": exec_time}',
    expected: [],
  },
  {
    name: "regex over BPM PV names",
    code: 'import re\npattern = re.compile(r"SR:C(\\d+):BPM:(X|Y)")\nm = pattern.match("SR:C03:BPM:X")',
    expected: [],
  },
  {
    name: "listing HDF5 files in the folder",
    code: 'import os\nfiles = sorted(f for f in os.listdir(".") if f.endswith(".h5"))\nsizes = {f: os.path.getsize(f) for f in files}',
    expected: [],
  },
  {
    name: "h5py file opened read-only",
    code: 'import h5py\nwith h5py.File("scan_042.h5", "r") as f:\n    counts = f["entry/data/counts"][()]',
    expected: [{ line: 2, rule: "filesystem.read", severity: "low" }],
  },
  {
    name: "np.save and savez inside the folder",
    code: 'import numpy as np\narr = np.linspace(0, 1, 100)\nnp.save("orbit.npy", arr)\nnp.savez_compressed("orbit_all.npz", x=arr)',
    expected: [],
  },
  {
    name: "np.load without pickles",
    code: 'import numpy as np\narr = np.load("orbit.npy")',
    expected: [],
  },
  {
    name: "json results written inside the folder",
    code: 'import json\nwith open("results.json", "w") as fh:\n    json.dump({"ok": True}, fh, indent=2)',
    expected: [],
  },
  {
    name: "logging to stderr only",
    code: 'import logging\nlogging.basicConfig(level=logging.INFO)\nlog = logging.getLogger("analysis")\nlog.info("start")',
    expected: [],
  },
  {
    name: "Butterworth filter with scipy.signal",
    code: "from scipy import signal\nimport numpy as np\nt = np.linspace(0, 1, 1000)\nb, a = signal.butter(4, 0.1)\nfiltered = signal.filtfilt(b, a, np.sin(2 * np.pi * 5 * t))",
    expected: [],
  },
  {
    name: "os.system mentioned in a help string",
    code: "HELP = \"Never call os.system('rm -rf /') from analysis code\"\nprint(HELP)",
    expected: [],
  },
  {
    name: "list comprehension used for append side effects",
    code: "values = []\n[values.append(i ** 2) for i in range(5)]",
    expected: [],
  },
  {
    name: "timing decorator with try/finally",
    code: 'import functools\nimport time\n\ndef timed(fn):\n    @functools.wraps(fn)\n    def wrapper(*a, **k):\n        t0 = time.perf_counter()\n        try:\n            return fn(*a, **k)\n        finally:\n            print(fn.__name__, time.perf_counter() - t0)\n    return wrapper\n\n@timed\ndef fit():\n    return sum(range(1000))\n\nresults = {"fit": fit()}',
    expected: [],
  },
  {
    name: "walrus in a comprehension filter",
    code: 'import re\nlines = ["SR:DCCT 401.2", "bad line"]\nvalues = [float(m.group(1)) for l in lines if (m := re.search(r"([\\d.]+)$", l))]',
    expected: [],
  },
  {
    name: "camonitor collecting values then cleared",
    code: 'import epics\nimport time\nseen = []\nepics.camonitor("SR:DCCT", callback=lambda pvname=None, value=None, **kw: seen.append(value))\ntime.sleep(5)\nepics.camonitor_clear("SR:DCCT")',
    expected: [{ line: 4, rule: "epics.camonitor", severity: "low" }],
  },
  {
    name: "PV callback appending samples",
    code: 'import epics\npv = epics.PV("SR:BPM:01:X", auto_monitor=True)\nsamples = []\npv.add_callback(lambda value=None, **kw: samples.append(value))',
    expected: [],
  },
  {
    name: "epics Motor get_position",
    code: 'from epics import Motor\nm = Motor("BL4:MOT:THETA")\npos = m.get_position()',
    expected: [],
  },
  {
    name: "ophyd EpicsMotor read and position",
    code: 'from ophyd import EpicsMotor\nm = EpicsMotor("BL6:SAMPLE:X", name="sx")\nreading = m.read()\npos = m.position',
    expected: [{ line: 3, rule: "epics.pv_get", severity: "low" }],
  },
  {
    name: "dict keys named caput and put",
    code: 'cfg = {"caput": False, "put": None}\nallow = cfg.get("caput")\nresults = {"allow": allow}',
    expected: [],
  },
  {
    name: "to_csv into a subfolder made with makedirs",
    code: 'import os\nimport pandas as pd\nos.makedirs("out/tables", exist_ok=True)\npd.DataFrame({"a": [1]}).to_csv(os.path.join("out", "tables", "a.csv"))',
    expected: [],
  },
  {
    name: "TemporaryDirectory scratch space",
    code: 'import tempfile\nwith tempfile.TemporaryDirectory() as tmp:\n    print("scratch at", tmp)',
    expected: [],
  },
  {
    name: "one savefig per BPM with an f-string name",
    code: 'import matplotlib\nmatplotlib.use("Agg")\nimport matplotlib.pyplot as plt\nfor i, pv in enumerate(["SR:BPM:01:X", "SR:BPM:02:X"]):\n    plt.figure()\n    plt.title(pv)\n    plt.savefig(f"bpm_{i:02d}.png")\n    plt.close()',
    expected: [],
  },
  {
    name: "ast.literal_eval of a calibration dict",
    code: "import ast\ncfg = ast.literal_eval(\"{'gain': 2, 'offset': 0.1}\")",
    expected: [],
  },
  {
    name: "base64 decode hashed",
    code: 'import base64\nimport hashlib\nblob = base64.b64decode("aGVsbG8=")\ndigest = hashlib.sha256(blob).hexdigest()',
    expected: [],
  },
  {
    name: "bytes.fromhex of a register dump",
    code: 'raw = bytes.fromhex("0a0b0c")\nvalues = list(raw)',
    expected: [],
  },
  {
    name: "PV name joined and a string reversed",
    code: 'pv = ":".join(["SR", "C01", "BPM", "X"])\nrev = "XMPB"[::-1]',
    expected: [],
  },
  {
    name: "hourly resample of synthetic beam current",
    code: 'import pandas as pd\nimport numpy as np\nidx = pd.date_range("2024-01-01", periods=1440, freq="min")\ns = pd.Series(np.random.default_rng(0).normal(400, 1, len(idx)), index=idx)\nhourly = s.resample("1h").mean()\nresults = {"hourly": hourly.round(2).tolist()}',
    expected: [],
  },
  {
    name: "xarray dataset mean",
    code: 'import xarray as xr\nds = xr.open_dataset("scan.nc")\nmean = float(ds["counts"].mean())',
    expected: [],
  },
  {
    name: "getattr on user records in a sort key",
    code: 'class Rec:\n    def __init__(self, n, v):\n        self.n, self.v = n, v\n\nrecs = [Rec("a", 2), Rec("b", 1)]\nfield = "v"\nrecs.sort(key=lambda r: getattr(r, field))',
    expected: [],
  },
  {
    name: "beamline name from the environment",
    code: 'import os\nbeamline = os.environ.get("BEAMLINE", "BL7")',
    expected: [{ line: 2, rule: "environment.read", severity: "low" }],
  },
  {
    name: "ProcessPoolExecutor map of a pure function",
    code: 'from concurrent.futures import ProcessPoolExecutor\nimport math\n\ndef work(x):\n    return math.sqrt(x)\n\nif __name__ == "__main__":\n    with ProcessPoolExecutor() as ex:\n        roots = list(ex.map(work, range(10)))',
    expected: [],
  },
  {
    name: "SIGALRM timeout that raises",
    code: 'import signal\n\ndef handler(signum, frame):\n    raise TimeoutError("fit took too long")\n\nsignal.signal(signal.SIGALRM, handler)\nsignal.alarm(30)',
    expected: [],
  },
  {
    name: "pid and cpu count",
    code: 'import os\nresults = {"pid": os.getpid(), "cpus": os.cpu_count()}',
    expected: [],
  },
  {
    name: "raw detector header unpacked",
    code: 'import struct\nwith open("frame_0001.raw", "rb") as fh:\n    header = struct.unpack("<4I", fh.read(16))',
    expected: [{ line: 2, rule: "filesystem.read", severity: "low" }],
  },
  {
    name: "previous run read from the parent folder",
    code: 'from pathlib import Path\nprev = (Path("..") / "previous_run" / "results.json").read_text()',
    expected: [{ line: 2, rule: "filesystem.read", severity: "low" }],
  },
  {
    name: "a function named eval_metric",
    code: 'def eval_metric(y, yhat):\n    return sum((a - b) ** 2 for a, b in zip(y, yhat))\n\nresults = {"mse": eval_metric([1, 2], [1.1, 1.9])}',
    expected: [],
  },
  {
    name: "caget_many of ring status",
    code: 'from epics import caget_many\nvals = caget_many(["SR:DCCT", "SR:LIFETIME"])',
    expected: [{ line: 2, rule: "epics.caget", severity: "low" }],
  },
  {
    name: "a user class named Context with put",
    code: 'class Context:\n    def __init__(self):\n        self.data = {}\n\n    def put(self, k, v):\n        self.data[k] = v\n\nctx = Context()\nctx.put("SR:DCCT", 400)',
    expected: [],
  },
  {
    name: "p4p Value built without a put",
    code: 'from p4p import Value, Type\nT = Type([("value", "d")])\nv = Value(T, {"value": 1.0})',
    expected: [],
  },
  {
    name: "archiver JSON export read from a file",
    code: 'import json\nimport pandas as pd\nwith open("archiver_SR_DCCT.json") as fh:\n    payload = json.load(fh)\ndf = pd.DataFrame(payload[0]["data"])\ndf["time"] = pd.to_datetime(df["secs"], unit="s")',
    expected: [{ line: 3, rule: "filesystem.read", severity: "low" }],
  },
  {
    name: "os._exit after writing results",
    code: 'import os\nimport json\nwith open("results.json", "w") as fh:\n    json.dump({"done": True}, fh)\nos._exit(0)',
    expected: [],
  },
  {
    name: "contextmanager timing a block",
    code: 'from contextlib import contextmanager\nimport time\n\n@contextmanager\ndef timer(label):\n    t0 = time.time()\n    yield\n    print(label, time.time() - t0)\n\nwith timer("fit"):\n    total = sum(range(10000))',
    expected: [],
  },
  {
    name: "orbit response matrix SVD",
    code: 'import numpy as np\nR = np.loadtxt("orm.txt")\nU, s, Vt = np.linalg.svd(R, full_matrices=False)\nresults = {"condition": float(s[0] / s[-1])}',
    expected: [],
  },
  {
    name: "put and get on a user cache object",
    code: 'class Cache(dict):\n    def put(self, key, value):\n        self[key] = value\n\ncache = Cache()\ncache.put("SR:DCCT", 400.0)\nvalue = cache.get("SR:DCCT")',
    expected: [],
  },
  {
    name: "typing and match on a dataclass value",
    code: 'from dataclasses import dataclass\n\n@dataclass\nclass Reading:\n    pv: str\n    value: float\n\ndef describe(r):\n    match r:\n        case Reading(pv=pv, value=v) if v < 0:\n            return f"{pv} negative"\n        case Reading(pv=pv):\n            return f"{pv} ok"\n\nprint(describe(Reading("SR:DCCT", 400.0)))',
    expected: [],
    minPython: [3, 10],
  },
  {
    name: "Tango attributes read as properties",
    code: 'from tango import DeviceProxy\nps = DeviceProxy("sr/ps/qd1")\nprint(ps.Current, ps.Voltage)',
    expected: [
      { line: 3, rule: "tango.read_attribute", severity: "low" },
      { line: 3, rule: "tango.read_attribute", severity: "low" },
    ],
  },
  {
    name: "OMP_NUM_THREADS set for numpy",
    code: 'import os\nos.environ["OMP_NUM_THREADS"] = "4"',
    expected: [{ line: 2, rule: "environment.write", severity: "low" }],
  },
  {
    name: "MPLBACKEND set with setdefault",
    code: 'import os\nos.environ.setdefault("MPLBACKEND", "Agg")',
    expected: [{ line: 2, rule: "environment.write", severity: "low" }],
  },
  {
    name: "HDF5_USE_FILE_LOCKING turned off",
    code: 'import os\nos.environ["HDF5_USE_FILE_LOCKING"] = "FALSE"',
    expected: [{ line: 2, rule: "environment.write", severity: "low" }],
  },
  {
    name: "CSV named from a folded PV name",
    code: 'name = "SR:DCCT".replace(":", "_")\nwith open(f"{name}.csv", "w") as fh:\n    fh.write("t,v")',
    expected: [],
  },
  {
    name: "numbered files joined under a relative folder",
    code: 'import os\nout_dir = "plots"\nos.makedirs(out_dir, exist_ok=True)\nfor i in range(3):\n    with open(os.path.join(out_dir, f"fig_{i}.txt"), "w") as fh:\n        fh.write("x")',
    expected: [],
  },
  {
    name: "dangerous modules imported but never used",
    code: "import subprocess, os, socket\nimport epics\nx = 1",
    expected: [],
  },
  {
    name: "CalledProcessError imported for an except clause",
    code: "from subprocess import CalledProcessError\ntry:\n    pass\nexcept CalledProcessError:\n    pass",
    expected: [],
  },
  {
    name: "shutil.copy from the archive into the folder",
    code: 'import shutil\nshutil.copy("/data/archive/scan.h5", "scan.h5")',
    expected: [],
  },
  {
    name: "shutil.copytree from the archive into the folder",
    code: 'import shutil\nshutil.copytree("/data/run42", "run42")',
    expected: [],
  },
  {
    name: "sys.path.append of a relative lib folder",
    code: 'import sys\nsys.path.append("lib")',
    expected: [],
  },
  {
    name: "socket.gethostname for run metadata",
    code: "import socket\nhost = socket.gethostname()",
    expected: [],
  },
  {
    name: "getpass.getuser and platform.node",
    code: "import getpass, platform\nu = getpass.getuser(); n = platform.node()",
    expected: [],
  },
  {
    name: "glob over an absolute archive folder",
    code: 'import glob\nfiles = glob.glob("/data/archive/*.h5")',
    expected: [],
  },
  {
    name: "h5py read of an absolute archive file",
    code: 'import h5py\nwith h5py.File("/data/archive/scan.h5", "r") as f:\n    x = f["data"][()]',
    expected: [{ line: 2, rule: "filesystem.read", severity: "low" }],
  },
  {
    name: "pickle.dump into the folder",
    code: 'import pickle\nwith open("cache.pkl", "wb") as fh:\n    pickle.dump({"a": 1}, fh)',
    expected: [],
  },
  {
    name: "logging.FileHandler inside the folder",
    code: 'import logging\nh = logging.FileHandler("analysis.log")\nlogging.getLogger().addHandler(h)',
    expected: [],
  },
  {
    name: "joblib Parallel of a pure function",
    code: "from joblib import Parallel, delayed\ndef fit(x):\n    return x * 2\nout = Parallel(n_jobs=2)(delayed(fit)(x) for x in range(4))",
    expected: [],
  },
  {
    name: "to_csv with an f-string PV file name",
    code: 'import pandas as pd\npv = "SR:DCCT"\npd.DataFrame({"a": [1]}).to_csv(f"{pv.replace(\':\', \'_\')}.csv")',
    expected: [],
  },
  {
    name: "savefig under a relative folder variable",
    code: 'import matplotlib.pyplot as plt\nimport os\nout_dir = "figs"\nos.makedirs(out_dir, exist_ok=True)\nplt.savefig(os.path.join(out_dir, "a.png"))',
    expected: [],
  },
  {
    name: "Tango attribute formatted in an f-string",
    code: 'import tango\ndev = tango.DeviceProxy("sr/ps/qf1")\nprint(f"current={dev.Current:.2f}")',
    expected: [{ line: 3, rule: "tango.read_attribute", severity: "low" }],
  },
  {
    name: "Tango attribute returned from a helper",
    code: "import tango\ndef current(name):\n    dev = tango.DeviceProxy(name)\n    return dev.Current",
    expected: [{ line: 4, rule: "tango.read_attribute", severity: "low" }],
  },
  {
    name: "Tango attribute of self.dev converted with float()",
    code: "import tango\nclass PS:\n    def __init__(self, n):\n        self.dev = tango.DeviceProxy(n)\n    def current(self):\n        return float(self.dev.Current)",
    expected: [{ line: 6, rule: "tango.read_attribute", severity: "low" }],
  },
  {
    name: "Tango attributes collected in a list",
    code: 'import tango\ndev = tango.DeviceProxy("a/b/c")\nvals = [dev.Current, dev.Voltage]',
    expected: [
      { line: 3, rule: "tango.read_attribute", severity: "low" },
      { line: 3, rule: "tango.read_attribute", severity: "low" },
    ],
  },
  {
    name: "Tango State() printed and compared",
    code: 'import tango\ndev = tango.DeviceProxy("a/b/c")\nok = dev.state() == tango.DevState.ON\nst = dev.State()\nprint(st, str(st), st.name)',
    expected: [{ line: 4, rule: "tango.read_attribute", severity: "low" }],
  },
  {
    name: "PV.value formatted in an f-string",
    code: 'import epics\npv = epics.PV("SR:DCCT")\nprint(f"{pv.value:.1f} mA")',
    expected: [{ line: 3, rule: "epics.pv_get", severity: "low" }],
  },
  {
    name: "ophyd.sim motor and detector",
    code: "from ophyd.sim import det, motor\nmotor.set(1)\ndet.trigger()",
    expected: [],
  },
  {
    name: "np.memmap opened read-only",
    code: 'import numpy as np\nm = np.memmap("frame.raw", dtype="f4", mode="r")',
    expected: [{ line: 2, rule: "filesystem.read", severity: "low" }],
  },
  {
    name: "NamedTemporaryFile in the default temp folder",
    code: 'import tempfile\nwith tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False) as tmp:\n    tmp.write("a,b")',
    expected: [],
  },
];
