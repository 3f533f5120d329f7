"""Dataset converters: Pascal VOC and COCO-JSON into Leuko's YOLO-attribute format, and Leuko's to plain ultralytics.

One module per format (`voc`, `coco`, `to_ultralytics`), sharing `common` (output folder, image
placement, box repair, the conversion report). Each is one `leuko-train convert` sub-command.
"""
