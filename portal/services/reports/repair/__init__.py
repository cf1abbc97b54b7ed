"""通报文本修复: the repair engine (engine.py); modules starting with _ are its internals."""
