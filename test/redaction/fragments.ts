import fc from 'fast-check';

/** Pieces that start or continue every detector's triggers: strings built from them make detectors work hardest. */
export const FRAGMENTS = [
  'sk-', 'sk-ant-', 'sk_live_', 'gh', 'ghp_', 'github_pat_', 'xox', 'xoxb-', 'xapp-', 'AIza', 'AKIA', 'ASIA', 'IA', 'eyJ',
  '@', 'a', 'A', 'Z', 'z', '.', '1', '4', '0', ' ', '-', '_', '+', '(', ')', '/', '\n', '"', "'", ';', '&', '?', '#', '{', '}',
  'Bearer ', 'bearer', 'basic ', 'Basic dXNlcjpwYXNz', ':', '=', '://', 'password', 'secret', 'token', 'api_key', 'Password=',
  'AccountKey=', 'postgres://', '-----BEGIN ', '-----BEGIN PRIVATE KEY-----', '-----END ', 'PRIVATE KEY', '-----',
  '4111', '1111 ', '555-', '123', '2026-11-22', '+351 ', 'example.com', 'wJalrXUtnFEMI/K7MDENG', '\\', 'é', '😀',
];

export const fragmentText = fc.oneof(
  // mixes of fragments
  fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 200 }).map((parts) => parts.join('')),
  // one short pattern repeated many times: the shape that makes backtracking regexes quadratic
  fc.tuple(fc.array(fc.constantFrom(...FRAGMENTS), { minLength: 1, maxLength: 4 }), fc.integer({ min: 1, max: 600 })).map(([parts, times]) => parts.join('').repeat(times)),
  fc.string({ maxLength: 300 }),
);

