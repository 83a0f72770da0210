// The TTIR module. See docs/DESIGN.md.
