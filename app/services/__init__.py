"""Domain rules. Each service receives its collaborators; none reaches for globals."""
