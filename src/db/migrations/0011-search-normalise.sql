-- Household search that ignores case and accents: "leonie", "LÉONIE" and "Léonie" meet, and so do
-- "éloïse" and "Eloise". search_text() lowers and strips the accents of the Latin letters French
-- names use, with translate() rather than the unaccent extension, which PGlite does not have. It
-- maps upper-case accented letters itself, so it does not depend on the server's locale (lower()
-- leaves É as it is under the C locale). Immutable, so that indexes can be built on it; the
-- text_pattern_ops indexes serve the searches by prefix (LIKE 'leo%') whatever the collation.

create function search_text(value text) returns text
  language sql immutable parallel safe
  as $$
    select lower(replace(replace(replace(replace(translate(value,
      'ÀÁÂÃÄÅàáâãäåÇçÈÉÊËèéêëÌÍÎÏìíîïÑñÒÓÔÕÖØòóôõöøÙÚÛÜùúûüÝŸýÿ’',
      'aaaaaaaaaaaacceeeeeeeeiiiiiiiinnoooooooooooouuuuuuuuyyyy'''),
      'Œ', 'oe'), 'œ', 'oe'), 'Æ', 'ae'), 'æ', 'ae'))
  $$;

create index persons_search_last_name on persons (tenant_id, search_text(last_name) text_pattern_ops);
create index persons_search_first_name on persons (tenant_id, search_text(first_name) text_pattern_ops);
create index households_search_name on households (tenant_id, search_text(name) text_pattern_ops);
