import { HOST_GLOBAL } from "@codecall/sandbox";

/**
 * Globals removed before any program runs: WebAssembly memory is not counted by isolated-vm's
 * `memoryLimit` (a 1 GiB `WebAssembly.Memory` gets through), and shared memory with `Atomics.wait` can
 * block the isolate's thread outside the CPU limit. `FinalizationRegistry` would run a program's callback
 * whenever V8 collects garbage, after its execution ended (and, in a reused isolate, during another one).
 */
const REMOVED = ["WebAssembly", "SharedArrayBuffer", "Atomics", "FinalizationRegistry"];

/**
 * Resizable ArrayBuffers take their memory from V8's page allocator, not from the array-buffer allocator
 * isolated-vm counts against `memoryLimit`: one buffer grown by `resize` took the host's RSS up 2.4 GB in
 * 10 s under a 32 MiB limit. The constructor refuses `maxByteLength` (read once, then the buffer is made
 * without options) and `resize` refuses always, should a resizable buffer come from elsewhere.
 */
const RESIZABLE_BUFFERS_REFUSED = `var AB = g.ArrayBuffer, construct = Reflect.construct, RangeErr = RangeError;
function noResizable() { throw new RangeErr("Resizable ArrayBuffers are not available in this sandbox: its memory limit cannot count them. Use a fixed-length ArrayBuffer."); }
if (typeof AB.prototype.resize === "function") {
  var FixedAB = new Proxy(AB, { construct: function (target, args, newTarget) {
    var options = args[1];
    if (options !== null && typeof options === "object" && options.maxByteLength !== undefined) noResizable();
    return construct(target, args.length ? [args[0]] : [], newTarget);
  } });
  defineProperty(AB.prototype, "resize", { value: function resize() { noResizable(); }, writable: true, enumerable: false, configurable: true });
  defineProperty(AB.prototype, "constructor", { value: FixedAB, writable: true, enumerable: false, configurable: true });
  defineProperty(g, "ArrayBuffer", { value: FixedAB, writable: true, enumerable: false, configurable: true });
}`;

/**
 * `[...string]` on the engine's own string iterator takes V8's fast path, which neither the CPU limit nor
 * the memory limit stopped: `for (;;) [...s]` over 2 ** 22 characters ran to the 3 s wall limit and 2 s past
 * it under a 1 s CPU limit, took the host's RSS up 400 MiB under a 32 MiB limit, and kept a host core busy
 * after the run ended. V8 takes the fast path only while `String.prototype[Symbol.iterator]` is its own:
 * this wrapper, in JavaScript, returns the same native iterator, and the spread then stops at the limits
 * like `for...of` (measured on this backend: SANDBOX_MEMORY in about 0.5 s, 60 MiB).
 */
const STRING_SPREAD_STOPPABLE = `var stringIterator = String.prototype[Symbol.iterator];
replaceMethod(String.prototype, iteratorSymbol, { [iteratorSymbol]() { return apply(stringIterator, this, []); } }[iteratorSymbol], stringIterator);`;

/**
 * Each segment `Intl.Segmenter` yields carries its own copy of the whole input (V8 builds `input` anew for
 * every segment), and V8's spread and `Array.from` step a native iterator in a loop that honours neither
 * termination nor the memory limit: `[...new Intl.Segmenter("en", { granularity: "word" }).segment(s)]`
 * over 200 KB of text ran to the 3 s wall limit and 2 s past it under a 1 s CPU limit and took the host's
 * RSS up 490 MiB under a 32 MiB limit. With `next` a JavaScript function, each step enters JavaScript,
 * where V8 honours termination: the same spread stops at the limits like `for...of` (measured on this
 * backend).
 */
const SEGMENTS_STOPPABLE = `if (typeof Intl === "object" && typeof Intl.Segmenter === "function") {
  var segmentIteratorProto = Object.getPrototypeOf(new Intl.Segmenter().segment("")[iteratorSymbol]());
  var segmentNext = segmentIteratorProto.next;
  replaceMethod(segmentIteratorProto, "next", { next() { return apply(segmentNext, this, []); } }.next, segmentNext);
}`;

/**
 * Intl's objects hold ICU's formatters and break iterators in native memory that isolated-vm's
 * `memoryLimit` does not count and V8 does not report as external: `for (;;) new Intl.DateTimeFormat("en")`,
 * kept or not, grew the host's RSS by about 100 MiB a second of CPU under a 32 MiB limit (825 MiB under a
 * 10 s CPU limit). Here each object an Intl constructor makes holds an ArrayBuffer of about its native size,
 * which the limit counts and which goes with it: kept, past the limit the next one is not made (a RangeError
 * that says why); dropped, their buffers make V8 collect them, and their formatters with them. Sizes measured per object on Node 20's ICU:
 * DateTimeFormat 27 KB, RelativeTimeFormat 8, Segmenter 7, the others 1-2.5; each charge rounds up.
 */
const INTL_CHARGES: Record<string, number> = {
  DateTimeFormat: 32_768,
  RelativeTimeFormat: 8_192,
  Segmenter: 8_192,
  Collator: 4_096,
  DisplayNames: 4_096,
  ListFormat: 4_096,
  NumberFormat: 4_096,
  PluralRules: 4_096,
};
const INTL_MEMORY_COUNTED = `if (typeof Intl === "object") {
  var intlCharges = ${JSON.stringify(INTL_CHARGES)}, charged = new WeakMap(), chargeSet = WeakMap.prototype.set;
  var intlNames = Object.keys(intlCharges);
  for (var n = 0; n < intlNames.length; n++) countIntl(intlNames[n]);
}
/** Puts a proxy of Intl[name] in its place (and as its prototype's constructor) that charges what it makes. */
function countIntl(name) {
  var Ctor = Intl[name], bytes = intlCharges[name];
  if (typeof Ctor !== "function") return;
  // The buffer is made first: past the limit, no formatter is made either.
  function hold() {
    try { return new AB(bytes); }
    catch (e) { throw new RangeErr("Intl." + name + " not made: the sandbox's memory limit is reached (each one counts " + bytes / 1024 + " KiB, the native memory it takes). Make fewer, or reuse one."); }
  }
  function charge(held, made) { apply(chargeSet, charged, [made, held]); return made; }
  // Called without new, Collator, DateTimeFormat and NumberFormat make an object too; the others throw.
  var Counted = new ProxyCtor(Ctor, { __proto__: null,
    construct: function (target, args, newTarget) { return charge(hold(), construct(target, args, newTarget)); },
    apply: function (target, self, args) { return charge(hold(), apply(target, self, args)); } });
  defineProperty(Ctor.prototype, "constructor", { value: Counted, writable: true, enumerable: false, configurable: true });
  defineProperty(Intl, name, { value: Counted, writable: true, enumerable: false, configurable: true });
}`;

/**
 * Array built-ins that loop natively over a receiver's `length`. V8 checks for termination nowhere in
 * those loops: over a sparse array of length 2 ** 32 - 1 or an array-like of length 2 ** 53 - 1 they run
 * for minutes or for good, past the CPU limit and past `isolate.dispose()`, keeping a host core busy.
 * QuickJS and E2B kill such an engine from outside; isolated-vm cannot, so here each of them refuses a
 * receiver (and, for `concat`, an array argument) longer than {@link MAX_ARRAY_LENGTH}. No dense array
 * gets that long under any memory limit a sandbox is given (2 ** 27 elements take at least 1 GiB here),
 * A real array of at most {@link NATIVE_ARRAY_LENGTH} elements is given to the built-in as it is: its
 * length is a plain property, read by the built-in as it was checked, and a walk that short is quick.
 *
 * Any other receiver (a longer real array, an array-like, or a Proxy, which passes `Array.isArray` when
 * its target is an array) is handed to the built-in as a view: a Proxy whose `length` is the value read once and checked
 * here (a `length` getter or trap could otherwise answer small to the check and 2 ** 32 - 1 to the
 * built-in), and whose every other trap is a function of this glue. The traps matter as much as the pin:
 * a view that forwarded `has` natively let `indexOf` over 2 ** 26 elements spin 18 s past a 300 ms limit;
 * with each element access entering a JavaScript function, V8 honours termination there and the same loop
 * stops at the limit (measured on this backend). Proxies are told from arrays by the glue's own `Proxy`
 * (and `Proxy.revocable`), which records each proxy the program makes in a WeakSet: a program has no other
 * way to make one. `concat` reads its arguments' spreadability and lengths, and `Array.from`, typed arrays
 * (their constructors, `from` and `set`) and argument lists (`apply`, `Reflect.apply`, `Reflect.construct`)
 * an array-like's length, the same way, and `flat` and `flatMap` (whose nested arrays V8 would walk
 * natively) are written here, in code the CPU limit stops.
 */
const MAX_ARRAY_LENGTH = 2 ** 27;
/**
 * Longest real array a built-in is given as it is. A sparse array of 2 ** 27 with an intact prototype
 * chain still kept `sort`, `splice`, `shift`, `unshift`, `copyWithin`, `toSorted`, `toSpliced`, `with`
 * and `toReversed` spinning past a 1 s limit (still running 5 s later); a longer real array gets the view
 * too, whose traps V8 stops at the limit. Below this length the longest such walk measured 0.4 s (`with`
 * on a sparse 2 ** 22); dense arrays longer are rare under a sandbox's memory limit, and only they pay the
 * traps (1 M elements sorted through the view took seconds).
 */
const NATIVE_ARRAY_LENGTH = 2 ** 22;
const LOOPING_ARRAY_METHODS = [
  "concat",
  "copyWithin",
  "every",
  "fill",
  "filter",
  "find",
  "findIndex",
  "findLast",
  "findLastIndex",
  "flat",
  "flatMap",
  "forEach",
  "includes",
  "indexOf",
  "join",
  "lastIndexOf",
  "map",
  "reduce",
  "reduceRight",
  "reverse",
  "shift",
  "slice",
  "some",
  "sort",
  "splice",
  "toLocaleString",
  "toReversed",
  "toSorted",
  "toSpliced",
  "toString",
  "unshift",
  "with",
];
const ARRAY_LENGTHS_BOUNDED = `var ArrayProto = Array.prototype, isArray = Array.isArray, apply = Reflect.apply, ProxyCtor = Proxy;
var maxLength = ${MAX_ARRAY_LENGTH}, nativeLength = ${NATIVE_ARRAY_LENGTH}, reflectGet = Reflect.get, ObjectCtor = Object, TypeErr = TypeError;
var spreadable = Symbol.isConcatSpreadable, mathTrunc = Math.trunc;
var reflectSet = Reflect.set, reflectHas = Reflect.has, reflectDelete = Reflect.deleteProperty;
var reflectDefine = Reflect.defineProperty, reflectDescriptor = Reflect.getOwnPropertyDescriptor;
var reflectOwnKeys = Reflect.ownKeys;
var proxies = new WeakSet(), addProxy = WeakSet.prototype.add, hasProxy = WeakSet.prototype.has;
/** Until a program makes its first proxy, a real array is told from a proxy without the WeakSet. */
var proxiesMade = false;
/** The program's Proxy: the engine's, with each proxy it makes recorded (see isProxy). */
var originalRevocable = ProxyCtor.revocable;
var revocable = { revocable(target, handler) {
  var made = apply(originalRevocable, ProxyCtor, [target, handler]);
  proxiesMade = true;
  apply(addProxy, proxies, [made.proxy]);
  return made;
} }.revocable;
defineProperty(ProxyCtor, "revocable", { value: revocable, writable: true, enumerable: false, configurable: true });
var TrackedProxy = new ProxyCtor(ProxyCtor, { __proto__: null, construct: function (target, args, newTarget) {
  var made = construct(target, args, newTarget);
  proxiesMade = true;
  apply(addProxy, proxies, [made]);
  return made;
} });
defineProperty(g, "Proxy", { value: TrackedProxy, writable: true, enumerable: false, configurable: true });
/** Puts a glue method where a built-in was, with the built-in's length, as non-enumerable as it was. */
function replaceMethod(owner, name, method, original) {
  defineProperty(method, "length", { value: original.length });
  defineProperty(owner, name, { value: method, writable: true, enumerable: false, configurable: true });
}
function isProxy(value) {
  return proxiesMade && apply(hasProxy, proxies, [value]);
}
function tooLong(label) {
  throw new RangeErr(label + " over more than " + maxLength + " elements is not available in this sandbox: it could not be stopped at the CPU limit. Work on a shorter array.");
}
function lengthOf(value) {
  return checkedLength(value.length);
}
function checkedLength(raw) {
  var n = +raw;
  return n > 0 ? n : 0;
}
function isObject(value) {
  return value !== null && (typeof value === "object" || typeof value === "function");
}
/**
 * A real array (not a Proxy of one) short enough for the built-in itself: its length is a data property
 * the built-in reads as checked here. Everything else goes through a view (see pinned).
 */
function isNativeArray(value) {
  return isArray(value) && !isProxy(value) && lengthOf(value) <= nativeLength;
}
/**
 * A view of an array-like or proxy whose length (read once, checked) is what the built-in reads too, and
 * whose traps are all functions here, so that a native loop over it enters JavaScript at each element.
 * The view answers the value it read: a primitive converts to the same length every time, and a frozen
 * property keeps a Proxy's invariants (only an object length, which could convert differently, becomes
 * the checked number). Spreading, it answers the Symbol.isConcatSpreadable it was given the same way.
 */
function pinned(label, object, spread, spreadFlag) {
  var raw = object.length, length = checkedLength(raw);
  if (length > maxLength) tooLong(label);
  var answer = isObject(raw) ? length : raw;
  return new ProxyCtor(object, {
    __proto__: null,
    get: function (target, key, from) {
      return key === "length" ? answer : spread && key === spreadable ? spreadFlag : reflectGet(target, key, from);
    },
    set: function (target, key, value, from) { return reflectSet(target, key, value, from); },
    has: function (target, key) { return reflectHas(target, key); },
    deleteProperty: function (target, key) { return reflectDelete(target, key); },
    defineProperty: function (target, key, descriptor) { return reflectDefine(target, key, descriptor); },
    getOwnPropertyDescriptor: function (target, key) { return reflectDescriptor(target, key); },
    ownKeys: function (target) { return reflectOwnKeys(target); },
  });
}
function bounded(name, original) {
  var label = "Array.prototype." + name;
  return function () {
    if (this === null || this === undefined) return apply(original, this, arguments);
    var object = ObjectCtor(this);
    var receiver = isNativeArray(object) ? object : pinned(label, object, false);
    var result = apply(original, receiver, arguments);
    return result === receiver ? object : result;
  };
}
/**
 * concat reads each argument's spreadability and length itself: an argument that is not a real array is
 * read once here and handed over pinned (spread) or inside an array of one (appended as it is). A Proxy's
 * spreadability is decided here as the built-in would (its isConcatSpreadable, else Array.isArray).
 */
function boundedConcat(original) {
  return function concat() {
    if (this === null || this === undefined) return apply(original, this, arguments);
    var items = [ObjectCtor(this)], plain = true, i;
    for (i = 0; i < arguments.length; i++) items[i + 1] = arguments[i];
    for (i = 0; i < items.length; i++) if (!isNativeArray(items[i]) && isObject(items[i])) plain = false;
    if (plain) return apply(original, items[0], arguments);
    var out = [];
    for (i = 0; i < items.length; i++) {
      var item = items[i];
      if (isNativeArray(item)) {
        out = i === 0 ? apply(original, item, []) : apply(original, out, [item]);
        continue;
      }
      // Spreadability is read once and the view answers that reading: a getter cannot answer twice.
      var flag = isObject(item) ? item[spreadable] : undefined;
      var spread = flag !== undefined ? !!flag : isObject(item) && isArray(item);
      // Not spread: appended as itself (never the view).
      if (!spread) out = apply(original, out, [[item]]);
      else if (i === 0) out = apply(original, pinned("Array.prototype.concat", item, true, flag), []);
      else out = apply(original, out, [pinned("Array.prototype.concat", item, true, flag)]);
    }
    return out;
  };
}
function append(out, value) {
  defineProperty(out, out.length, { __proto__: null, value: value, writable: true, enumerable: true, configurable: true });
}
/** flat and flatMap walk nested arrays here, each length read once and checked, in code the limit stops. */
function flatten(label, out, source, depth, mapper, thisArg) {
  var length = lengthOf(source);
  if (length > maxLength) tooLong(label);
  for (var i = 0; i < length; i++) {
    if (!(i in source)) continue;
    var element = source[i];
    if (mapper) element = apply(mapper, thisArg, [element, i, source]);
    if (depth > 0 && isArray(element)) flatten(label, out, element, depth - 1);
    else append(out, element);
  }
  return out;
}
function flat() {
  if (this === null || this === undefined) throw new TypeErr("Array.prototype.flat called on null or undefined");
  var depth = arguments[0] === undefined ? 1 : +arguments[0];
  return flatten("Array.prototype.flat", [], ObjectCtor(this), depth > 0 ? mathTrunc(depth) : 0);
}
function flatMap(mapper) {
  if (this === null || this === undefined) throw new TypeErr("Array.prototype.flatMap called on null or undefined");
  if (typeof mapper !== "function") throw new TypeErr("flatMap mapper function is not callable");
  return flatten("Array.prototype.flatMap", [], ObjectCtor(this), 1, mapper, arguments[1]);
}
/**
 * Array.from walks an array-like (a value without Symbol.iterator) natively up to its length, like the
 * methods above: it gets the same pinned, checked view. Iterables step through an iterator, which V8 stops.
 */
var iteratorSymbol = Symbol.iterator, ArrayCtor = Array, originalFrom = Array.from;
var boundedFrom = { from(items) {
  if (items === null || items === undefined) return apply(originalFrom, this, arguments);
  // The iterator method is read once: a getter answering "iterable" here and nothing to the built-in
  // would send it down the unchecked array-like loop.
  return apply(originalFrom, this, withFirst(iterableOrPinned("Array.from", items, items[iteratorSymbol]), arguments));
} }.from;
function iterableOnce(items, iterate) {
  var once = { __proto__: null };
  once[iteratorSymbol] = function () { return apply(iterate, items, []); };
  return once;
}
/** An iterable, with the iterator method it was read with (iterate); anything else as its pinned view. */
function iterableOrPinned(label, source, iterate) {
  return iterate != null ? iterableOnce(source, iterate) : pinned(label, ObjectCtor(source), false);
}
/** A call's arguments with the first one replaced. */
function withFirst(first, args) {
  var out = [first];
  for (var i = 1; i < args.length; i++) out[i] = args[i];
  return out;
}
defineProperty(ArrayCtor, "from", { value: boundedFrom, writable: true, enumerable: false, configurable: true });
/**
 * Typed arrays made from an array-like (a constructor's argument, from's items, set's source) read it
 * natively up to its length, as Array.from does (about 75 ns an element, so seconds within a memory limit
 * of a few hundred MiB): the array-like is given as the same pinned view. Only what V8 copies by its own
 * internal length goes as it is: typed arrays and buffers to a constructor, typed arrays to set, and short
 * real arrays. Everything else, buffers and strings to from and set included (there they are array-likes
 * whose own length a program sets), is an iterable read once or the pinned view of its object.
 */
var TypedArrayCtor = ObjectCtor.getPrototypeOf(Int8Array), TypedArrayProto = TypedArrayCtor.prototype;
var typedLength = reflectDescriptor(TypedArrayProto, "length").get;
var bufferLength = reflectDescriptor(AB.prototype, "byteLength").get;
function hasBrand(getter, value) {
  if (!isObject(value)) return false;
  try { apply(getter, value, []); return true; } catch (e) { return false; }
}
var typedNames = ["Int8Array", "Uint8Array", "Uint8ClampedArray", "Int16Array", "Uint16Array", "Int32Array", "Uint32Array", "Float16Array", "Float32Array", "Float64Array", "BigInt64Array", "BigUint64Array"];
function boundTyped(name, Typed) {
  var label = "new " + name;
  var Bounded = new ProxyCtor(Typed, { __proto__: null, construct: function (target, args, newTarget) {
    var source = args[0];
    if (isObject(source) && !isNativeArray(source) && !hasBrand(typedLength, source) && !hasBrand(bufferLength, source))
      args[0] = iterableOrPinned(label, source, source[iteratorSymbol]);
    return construct(target, args, newTarget);
  } });
  defineProperty(Typed.prototype, "constructor", { value: Bounded, writable: true, enumerable: false, configurable: true });
  defineProperty(g, name, { value: Bounded, writable: true, enumerable: false, configurable: true });
}
for (var t = 0; t < typedNames.length; t++) if (typeof g[typedNames[t]] === "function") boundTyped(typedNames[t], g[typedNames[t]]);
var originalTypedFrom = TypedArrayCtor.from, originalTypedSet = TypedArrayProto.set, typedValues = TypedArrayProto.values;
var boundedTypedFrom = { from(source) {
  if (source == null || isNativeArray(source)) return apply(originalTypedFrom, this, arguments);
  var iterate = source[iteratorSymbol];
  // A typed array iterated as built: what from makes is a copy by its internal length, which V8 does quickly.
  if (iterate === typedValues && arguments[1] === undefined && hasBrand(typedLength, source)) {
    var copy = construct(this, [apply(typedLength, source, [])]);
    apply(originalTypedSet, copy, [source]);
    return copy;
  }
  return apply(originalTypedFrom, this, withFirst(iterableOrPinned("TypedArray.from", source, iterate), arguments));
} }.from;
var boundedTypedSet = { set(source) {
  var copied = source == null || isNativeArray(source) || hasBrand(typedLength, source);
  return apply(originalTypedSet, this, withFirst(copied ? source : pinned("TypedArray.prototype.set", ObjectCtor(source), false), arguments));
} }.set;
replaceMethod(TypedArrayCtor, "from", boundedTypedFrom, originalTypedFrom);
replaceMethod(TypedArrayProto, "set", boundedTypedSet, originalTypedSet);
/**
 * Function.prototype.apply, Reflect.apply and Reflect.construct build the argument list from an array-like
 * natively too (its length read once, then every element): a list that is not a short real array is given
 * as the pinned view.
 */
var FunctionProto = Function.prototype, originalApply = FunctionProto.apply, ReflectObj = Reflect;
/** More arguments than any call stack holds (V8 takes about 125,000): refused before the list is built. */
var maxArguments = 1048576;
function argumentList(label, list) {
  if (!isObject(list) || isNativeArray(list)) return list;
  var view = pinned(label, list, false);
  if (checkedLength(view.length) > maxArguments)
    throw new RangeErr(label + " with more than " + maxArguments + " arguments is not available: no call stack holds them.");
  return view;
}
var boundedApply = { apply(thisArg, list) {
  return apply(originalApply, this, [thisArg, argumentList("Function.prototype.apply", list)]);
} }.apply;
var boundedReflectApply = { apply(target, thisArg, list) {
  return apply(target, thisArg, argumentList("Reflect.apply", list));
} }.apply;
var boundedReflectConstruct = { construct(target, list) {
  var args = argumentList("Reflect.construct", list);
  return arguments.length > 2 ? construct(target, args, arguments[2]) : construct(target, args);
} }.construct;
replaceMethod(FunctionProto, "apply", boundedApply, originalApply);
replaceMethod(ReflectObj, "apply", boundedReflectApply, apply);
replaceMethod(ReflectObj, "construct", boundedReflectConstruct, construct);
/**
 * A string's characters are its own enumerable properties: Object.assign copies a string source's one by
 * one, natively. A source string (or String object) longer than nativeLength is refused.
 */
var originalAssign = ObjectCtor.assign, stringValueOf = String.prototype.valueOf;
var boundedAssign = { assign(target) {
  for (var i = 1; i < arguments.length; i++) {
    var source = arguments[i];
    if ((typeof source === "string" || hasBrand(stringValueOf, source)) && source.length > nativeLength)
      throw new RangeErr("Object.assign from a string of more than " + nativeLength + " characters is not available in this sandbox: it could not be stopped at the CPU limit.");
  }
  return apply(originalAssign, ObjectCtor, arguments);
} }.assign;
replaceMethod(ObjectCtor, "assign", boundedAssign, originalAssign);
function install(name, method, original) {
  defineProperty(method, "name", { value: name });
  replaceMethod(ArrayProto, name, method, original);
}
var looping = ${JSON.stringify(LOOPING_ARRAY_METHODS)};
for (var j = 0; j < looping.length; j++) {
  var name = looping[j], original = ArrayProto[name];
  if (typeof original !== "function") continue;
  install(name, name === "concat" ? boundedConcat(original) : name === "flat" ? flat : name === "flatMap" ? flatMap : bounded(name, original), original);
}`;

/**
 * Built-ins that walk a typed array, a string or an object's keys natively, with no check for termination inside. V8 checks
 * for it in a loop only every so many iterations of the loop's own code, so a loop whose body is one such
 * call on a large input (`for (;;) a.fill(1)` over 2 ** 23 elements) ran 10 s past a 500 ms limit and past
 * `isolate.dispose()`, on a host core. Each is called through a small method of this glue instead: entering
 * a JavaScript function is where V8 honours termination, so the loop stops at the limit (about 40 ns a
 * call). Array methods get the same from their wrappers above; constant-time methods (`at`, `charAt`,
 * `subarray`) are left as they are.
 */
const WALKING_BUILT_INS = {
  typedArray: [
    "copyWithin",
    "fill",
    "includes",
    "indexOf",
    "lastIndexOf",
    "reverse",
    "slice",
    "sort",
    "toReversed",
    "toSorted",
    "with",
  ],
  string: [
    "concat",
    "endsWith",
    "includes",
    "indexOf",
    "isWellFormed",
    "lastIndexOf",
    "localeCompare",
    "match",
    "matchAll",
    "normalize",
    "padEnd",
    "padStart",
    "repeat",
    "replace",
    "replaceAll",
    "search",
    "split",
    "startsWith",
    "toLocaleLowerCase",
    "toLocaleUpperCase",
    "toLowerCase",
    "toUpperCase",
    "toWellFormed",
    "trim",
    "trimEnd",
    "trimStart",
  ],
  object: ["keys", "values", "entries", "getOwnPropertyNames", "getOwnPropertySymbols"],
  json: ["parse", "stringify"],
  global: ["escape", "unescape", "encodeURI", "encodeURIComponent", "decodeURI", "decodeURIComponent"],
};
/**
 * A typed array longer than this is joined through the array built-ins' checked view, whose element reads
 * enter JavaScript, so the CPU limit stops them (about three times slower than natively); 2 ** 23 elements
 * joined natively ran 2.6 s in one call. `toLocaleString` (arrays and typed arrays) always takes the view:
 * formatting one element can take microseconds (2 ** 17 currency amounts: 3.2 s in one call). A sort has no
 * such path: a comparator written here made sorting 2 ** 21 numbers ten times slower, and 2 ** 23 ran out of
 * a 256 MiB limit, so one sort still finishes past the limit (about 1 s for 2 ** 23 numbers). An
 * `Intl.Collator`'s `compare` is called through a function of the glue too, like `localeCompare`.
 */
const NATIVE_TYPED_LENGTH = 2 ** 20;
const NATIVE_WALKS_STOPPABLE = `var walking = ${JSON.stringify(WALKING_BUILT_INS)}, nativeTypedLength = ${NATIVE_TYPED_LENGTH};
function stoppable(owner, names) {
  for (var i = 0; i < names.length; i++) {
    var original = owner[names[i]];
    if (typeof original === "function") replaceMethod(owner, names[i], passThrough(names[i], original), original);
  }
}
function passThrough(name, original) {
  return { [name]() { return apply(original, this, arguments); } }[name];
}
stoppable(TypedArrayProto, walking.typedArray);
stoppable(String.prototype, walking.string);
stoppable(ObjectCtor, walking.object);
stoppable(JSON, walking.json);
stoppable(g, walking.global);
function isLong(typed) {
  return apply(typedLength, typed, []) > nativeTypedLength;
}
var arrayJoin = ArrayProto.join, arrayToLocaleString = ArrayProto.toLocaleString;
var typedJoin = TypedArrayProto.join;
replaceMethod(TypedArrayProto, "join", { join() {
  return apply(isLong(this) ? arrayJoin : typedJoin, this, arguments);
} }.join, typedJoin);
var typedToLocaleString = TypedArrayProto.toLocaleString;
replaceMethod(TypedArrayProto, "toLocaleString", { toLocaleString() {
  apply(typedLength, this, []);
  return apply(arrayToLocaleString, pinned("TypedArray.prototype.toLocaleString", this, false), arguments);
} }.toLocaleString, typedToLocaleString);
replaceMethod(ArrayProto, "toLocaleString", { toLocaleString() {
  if (this === null || this === undefined) return apply(arrayToLocaleString, this, arguments);
  return apply(arrayToLocaleString, pinned("Array.prototype.toLocaleString", ObjectCtor(this), false), arguments);
} }.toLocaleString, arrayToLocaleString);
var StringProto = String.prototype;
if (StringProto.trimLeft) defineProperty(StringProto, "trimLeft", { value: StringProto.trimStart, writable: true, enumerable: false, configurable: true });
if (StringProto.trimRight) defineProperty(StringProto, "trimRight", { value: StringProto.trimEnd, writable: true, enumerable: false, configurable: true });
var CollatorProto = g.Intl ? g.Intl.Collator.prototype : undefined;
var collatorCompare = CollatorProto && reflectDescriptor(CollatorProto, "compare");
if (collatorCompare && collatorCompare.get) {
  // One function per collator, as the built-in's own getter gives (anonymous, two parameters).
  var compareGetter = collatorCompare.get, compares = new WeakMap(), getMade = WeakMap.prototype.get, setMade = WeakMap.prototype.set;
  var stoppableCompare = reflectDescriptor({ get compare() {
    var made = apply(getMade, compares, [this]);
    if (made) return made;
    var compare = apply(compareGetter, this, []);
    made = [function (x, y) { return compare(x, y); }][0];
    apply(setMade, compares, [this, made]);
    return made;
  } }, "compare").get;
  defineProperty(CollatorProto, "compare", { get: stoppableCompare, enumerable: false, configurable: true });
}`;

/**
 * One call that lists the keys of a long typed array or string runs natively from start to end, checking
 * for termination nowhere: under a 1 s CPU and 3 s wall limit, `Object.keys` of a 2 ** 25-element typed
 * array, `Object.entries` of 2 ** 24 and `Object.getOwnPropertyNames` of a 2 ** 25-character string each
 * ended only at the backend's wall-clock cut-off (5 s), grew the host 230-350 MiB under a 32 MiB limit, and
 * kept a host core busy after the run. Natively, 2 ** 20 elements take 0.25 s (`keys`) to 0.86 s
 * (`entries`); past that these built-ins refuse a typed array or string (a `RangeError` the program can
 * catch; `Reflect.ownKeys` of a primitive keeps its TypeError). `String.raw` walks its template's `raw`
 * array-like natively too (2 ** 32 - 1 undefined elements ran to the wall cut-off and on): it reads `raw`
 * once and gives the built-in that value, or its checked view, in a template of its own.
 * \`Object.defineProperties\` and \`Object.create\` (their property maps) and \`Object.assign\` (its sources)
 * walk keys the same way and are bounded alike.
 * Not covered: a Proxy of a long typed array, `for...in`, object spread and `JSON.stringify` over one.
 */
const KEYED_LENGTH = 2 ** 20;
const KEY_WALKS_BOUNDED = `var keyedLength = ${KEYED_LENGTH}, stringValueOf = String.prototype.valueOf;
function keyCount(value) {
  if (typeof value === "string") return value.length;
  if (hasBrand(typedLength, value)) return apply(typedLength, value, []);
  if (hasBrand(stringValueOf, value)) return apply(stringValueOf, value, []).length;
  return 0;
}
// The arguments from index \`first\` (to \`last\`, inclusive) are the ones whose keys the built-in lists.
function keyed(owner, ownerName, names, objectsOnly, first, last) {
  for (var i = 0; i < names.length; i++) {
    var name = names[i], original = owner[name];
    if (typeof original === "function") replaceMethod(owner, name, keyedMethod(ownerName + "." + name, name, original, objectsOnly, first, last), original);
  }
}
// A built-in that takes objects only (objectsOnly) is left to refuse a primitive with its own TypeError.
function keyedMethod(label, name, original, objectsOnly, first, last) {
  return { [name]() {
    for (var i = first; i <= last && i < arguments.length; i++) {
      var target = arguments[i];
      if ((!objectsOnly || isObject(target)) && keyCount(target) > keyedLength) throw new RangeErr(label + " over a typed array or string of more than " + keyedLength + " elements is not available in this sandbox: it could not be stopped at the CPU limit. Work by index instead.");
    }
    return apply(original, this, arguments);
  } }[name];
}
keyed(ObjectCtor, "Object", ["keys", "values", "entries", "getOwnPropertyNames", "getOwnPropertyDescriptors"], false, 0, 0);
keyed(Reflect, "Reflect", ["ownKeys"], true, 0, 0);
// Their property maps and sources are walked the same way.
keyed(ObjectCtor, "Object", ["defineProperties", "create"], false, 1, 1);
keyed(ObjectCtor, "Object", ["assign"], false, 1, Infinity);
var stringRaw = String.raw;
replaceMethod(String, "raw", { raw(template) {
  if (template === null || template === undefined) return apply(stringRaw, this, arguments);
  // raw is read once, and the built-in is given that value (or its checked view) in a template of its
  // own: handed the program's template, it would read a getter again and walk whatever came second.
  var raw = ObjectCtor(template).raw;
  var checked = raw === null || raw === undefined || isNativeArray(raw) ? raw : pinned("String.raw", ObjectCtor(raw), false);
  var args = [{ __proto__: null, raw: checked }];
  for (var i = 1; i < arguments.length; i++) append(args, arguments[i]);
  return apply(stringRaw, this, args);
} }.raw, stringRaw);`;

/**
 * Ids {@link GLUE_SOURCE}'s `settle` takes besides a call's: "a program starts", "the program reported",
 * and an id no call has (a no-op the host queues behind answers to learn the isolate took them).
 */
export const START_OF_RUN = -2;
export const END_OF_RUN = -1;
export const NO_CALL = 0;

/**
 * Runs once per context, with `context.evalClosure`, before the prelude and any program. `$0` is
 * `start(id, request)` and `$1` is `log(level, text)`: two synchronous host callbacks that take and
 * return only copied primitives. It strips {@link REMOVED}, installs `__codecallHost = { call, log }`
 * for the prelude, and returns `settle(id, reply)`, which the host applies (by Reference) when a tool
 * answers. `settle(START_OF_RUN)` opens the bridge for a program; `settle(END_OF_RUN)`, when it reports,
 * closes it and drops every pending call. The host queues an answer as a task behind the program's, so
 * one that arrived while a program was finishing would otherwise resume it after its run, outside every
 * limit; and code it left behind would call tools and log while the host serves the next run, as if that
 * run had. While the bridge is closed, calls are never sent and never settle, and logs are dropped.
 *
 * Tool calls settle a promise this closure made with the captured `Promise`, resolved with a string.
 * isolated-vm's own `Reference.apply(..., { result: { promise: true } })` resolves its promise with
 * another promise, which makes V8 look up `then` on it: a program that replaces
 * `Promise.prototype.then` would then hang every tool call. Nothing here reads a property a program can
 * change after this ran, and neither callback nor the Reference is reachable from the program.
 */
export const GLUE_SOURCE = `"use strict";
var g = globalThis, start = $0, hostLog = $1;
var removed = ${JSON.stringify(REMOVED)};
for (var i = 0; i < removed.length; i++) delete g[removed[i]];
var PromiseCtor = Promise, defineProperty = Object.defineProperty;
${RESIZABLE_BUFFERS_REFUSED}
${ARRAY_LENGTHS_BOUNDED}
${NATIVE_WALKS_STOPPABLE}
${STRING_SPREAD_STOPPABLE}
${SEGMENTS_STOPPABLE}
${KEY_WALKS_BOUNDED}
${INTL_MEMORY_COUNTED}
var pending = { __proto__: null }, nextId = 0, open = false;
function call(request) {
  if (!open) return new PromiseCtor(function () {});
  var id = ++nextId, settleCall;
  var promise = new PromiseCtor(function (resolve) { settleCall = resolve; });
  pending[id] = settleCall;
  start(id, typeof request === "string" ? request : "");
  return promise;
}
function log(level, text) {
  if (open) hostLog(typeof level === "string" ? level : "log", typeof text === "string" ? text : "");
}
defineProperty(g, "${HOST_GLOBAL}", { value: { call: call, log: log }, configurable: true, writable: true, enumerable: false });
return function settle(id, reply) {
  if (id === ${END_OF_RUN}) { open = false; pending = { __proto__: null }; return; }
  if (id === ${START_OF_RUN}) { open = true; return; }
  var settleCall = pending[id];
  if (settleCall === undefined) return;
  delete pending[id];
  settleCall(typeof reply === "string" ? reply : "");
};
`;

/**
 * Runs once per context after {@link GLUE_SOURCE}, before any program, and returns `run(source)`: it
 * compiles and evaluates a program's script with the `eval` captured here (an indirect eval, in the
 * context's global scope) and returns a promise the host awaits (isolated-vm's `result: { promise: true }`)
 * that settles once the program's report, the value the script evaluated to, was handed to the host.
 *
 * Why `eval` and not isolated-vm's `context.eval`: V8 keeps every script compiled through the embedder
 * API in the isolate's compilation cache for as long as the isolate lives (about 0.85 KB per distinct
 * source, after full GCs), so a long session, whose programs all differ, grew by megabytes per thousand
 * executions. Entries of the eval cache go with garbage collection. The host appends a `sourceURL` so
 * stack frames still name the program's file; one call also saves a second crossing per execution.
 * isolated-vm refuses `eval` of a string longer than an eighth of the memory limit: such a program is
 * evaluated by the host with `context.eval` and handed over as `run(value, true)`.
 *
 * The promise: isolated-vm calls `then` on the promise it is given and V8 makes the next promise with
 * the species constructor: on the script's own promise, a program that redefined
 * `Promise[Symbol.species]` would make that a plain object and crash the evaluation. This promise is the
 * glue's: its own `constructor` is undefined (so the default `Promise` is used) and its own `then` is the
 * original. The program's promise is adopted with `await`, which reads no species.
 *
 * `$0` is the glue's `settle`: the bridge opens when a program starts, and closes when its promise
 * settles, which drops its pending tool calls. `$1` is the host's `report(id, text)`, a callback (not
 * waited for) that takes the report of run `id` (text null: there is none): isolated-vm rejects a run whose
 * task ends with a promise rejected without a handler (with that promise's reason, in place of the run's
 * value), even while the program still waits on a tool; the program goes on, as plain JavaScript and the
 * other backends let it, and the host waits for its report from this callback. The id tells a late
 * callback of an earlier run from the run in progress.
 */
export const RUN_SOURCE = `"use strict";
var glueSettle = $0, hostReport = $1;
var PromiseCtor = Promise, then = PromiseCtor.prototype.then, defineProperty = Object.defineProperty;
var evaluate = eval;
function watch(id, value) {
  var settle, fail;
  var promise = new PromiseCtor(function (resolve, reject) { settle = resolve; fail = reject; });
  // Null-prototype descriptors: the program has run, and an accessor it put on Object.prototype (get, say)
  // would be read as one of their fields.
  defineProperty(promise, "constructor", { __proto__: null, value: undefined });
  defineProperty(promise, "then", { __proto__: null, value: then });
  (async function () {
    var report, rejected = false;
    try { report = await value; } catch (e) { rejected = true; }
    glueSettle(${END_OF_RUN});
    hostReport(id, !rejected && typeof report === "string" ? report : null);
    if (rejected) fail("the program's script rejected");
    else settle(undefined);
  })();
  return promise;
}
return function run(id, source, evaluated) {
  glueSettle(${START_OF_RUN});
  var value;
  try { value = evaluated === true ? source : evaluate(source); } catch (e) { glueSettle(${END_OF_RUN}); hostReport(id, null); throw e; }
  return watch(id, value);
};
`;
