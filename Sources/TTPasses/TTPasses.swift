// The TTPasses module. See docs/DESIGN.md.
