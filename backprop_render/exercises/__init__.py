"""Students answer, not only watch: exercise sheets, answer keys and LMS quizzes whose
every number comes from the same lesson as the video (lecture/questions.toml asks,
the core answers). `make` writes them, `documents` words them, `latex` typesets."""
