// The TTInterpreter module. See docs/DESIGN.md.
