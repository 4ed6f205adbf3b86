"""Study packs («Tài liệu sinh hoạt chuyên đề») for trainers: outline, figures, related documents,
discussion and multiple-choice questions, every item quoted verbatim from a cited passage."""
