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
}

/**
 * Code the analyzer must flag, including the evasions a substring matcher misses: aliases, `getattr` with folded
 * names, `__import__`, `importlib`, `sys.modules`, callables passed as values, star imports, and
 * control-system writes through every supported library. Each case lists every finding expected, with its line.
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
];

/**
 * Look-alikes that must not be flagged as risky: the dangerous words in comments, strings and docstrings,
 * `model.eval()`, `df.eval()`, `queue.put()`, `d.get()`, `requests_cache`, local names that shadow builtins,
 * writes inside the execution folder, and control-system reads. Low-severity (informational) findings are
 * listed where they are expected.
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
];
