/**
 * Progress of a long run, reported by each phase as it goes (the CLI shows it on a terminal).
 * `total` is null while unknown (the walk cannot know how many files there are).
 */
export type Progress = (phase: 'walking' | 'analysing' | 'planning', done: number, total: number | null) => void;
