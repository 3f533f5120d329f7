"""Dataset formats Leuko reads and writes (LeukemiaAttri YOLO-attribute labels and their YAML)."""
