// REPL: placeholder until the module lands.
