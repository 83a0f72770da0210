// The TTLoader module. See docs/DESIGN.md.
