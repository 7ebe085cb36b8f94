/**
 * English function words (articles, pronouns, prepositions, auxiliaries, negations) and words too common in
 * questions and descriptions to tell tools apart. Search drops them. (The privacy scan keeps its own,
 * narrower list: several of these are surnames too.)
 */
export const STOP_WORDS: ReadonlySet<string> = new Set(
  (
    "a about above after again all also am an and any are as at be because been before being below between both but by " +
    "can could did do does doing done down during each either etc few for from further had has have having he her here " +
    "hers him his how i if in into is it its itself just let lets me more most my myself no nor not now of off on once only " +
    "or other our ours out over own please same she should so some such than that the their theirs them then there these " +
    "they this those through to too under until up upon us very via was we were what when where which while who whom " +
    "why will with would you your yours e g ie eg help want need like using use used based given one two three may might " +
    "must shall tell give"
  ).split(" "),
);
