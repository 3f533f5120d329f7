"""Review and corrections: a person confirms or corrects the model's cells; the corrections count in
the report and go back to the trainer as a labelled dataset (`leuko export-labels`). No Qt here."""
