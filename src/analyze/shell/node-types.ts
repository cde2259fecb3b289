/** The tree-sitter-bash node types the walk sorts statements and redirects by. */

/** Node types that are statements (what a list, body or chain member can hold). */
export const STATEMENTS = new Set([
  'command',
  'variable_assignment',
  'variable_assignments',
  'declaration_command',
  'unset_command',
  'redirected_statement',
  'list',
  'pipeline',
  'negated_command',
  'subshell',
  'compound_statement',
  'if_statement',
  'while_statement',
  'for_statement',
  'c_style_for_statement',
  'case_statement',
  'function_definition',
  'test_command',
]);
export const REDIRECTS = new Set(['file_redirect', 'heredoc_redirect', 'herestring_redirect']);
