// Builtins: placeholder until the module lands.
