"""Integer-programming model of formulation.md: data, variables, objectives, constraints, builder."""
