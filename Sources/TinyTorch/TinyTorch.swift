// TinyTorch: the eager framework.
