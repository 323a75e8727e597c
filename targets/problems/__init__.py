"""Problems and their rectification (问题清单 / 整改): raising, rectifying, verifying, the lists."""
