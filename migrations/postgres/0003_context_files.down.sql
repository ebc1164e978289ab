DROP TABLE context_files;
