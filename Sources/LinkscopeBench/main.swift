print("linkscope-bench")
