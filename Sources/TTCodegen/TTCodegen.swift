// The TTCodegen module. See docs/DESIGN.md.
