"""Good practice (典型经验): curating cases from approved notes or from scratch, and the lists."""
