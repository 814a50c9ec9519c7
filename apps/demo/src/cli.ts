console.log("The ExecKit demo is being built: see apps/demo/README.md.");
