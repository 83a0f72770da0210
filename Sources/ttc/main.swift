print("ttc: not yet built")
