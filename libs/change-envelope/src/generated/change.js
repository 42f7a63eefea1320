/*eslint-disable block-scoped-var, id-length, no-control-regex, no-magic-numbers, no-mixed-operators, no-prototype-builtins, no-redeclare, no-shadow, no-var, sort-vars, default-case, jsdoc/require-param*/
"use strict";

var $protobuf = require("protobufjs/minimal");

// Common aliases
var $Reader = $protobuf.Reader, $Writer = $protobuf.Writer, $util = $protobuf.util;
var $Object = $util.global.Object, $undefined = $util.global.undefined, $Error = $util.global.Error, $RangeError = $util.global.RangeError;

// Exported root namespace
var $root = $protobuf.roots["default"] || ($protobuf.roots["default"] = {});

$root.cdc = (function() {

    /**
     * Namespace cdc.
     * @exports cdc
     * @namespace
     */
    var cdc = {};

    cdc.v1 = (function() {

        /**
         * Namespace v1.
         * @memberof cdc
         * @namespace
         */
        var v1 = {};

        v1.Value = (function() {

            /**
             * Properties of a Value.
             * @typedef {Object} cdc.v1.Value.$Properties
             * @property {boolean|null} [nullValue] Value nullValue
             * @property {boolean|null} [boolean] Value boolean
             * @property {Long|null} [integer] Value integer
             * @property {number|null} [float] Value float
             * @property {string|null} [decimal] Value decimal
             * @property {string|null} [text] Value text
             * @property {Uint8Array|null} [bytes] Value bytes
             * @property {string|null} [json] Value json
             * @property {string|null} [date] Value date
             * @property {string|null} [time] Value time
             * @property {string|null} [timestamp] Value timestamp
             * @property {string|null} [timestamptz] Value timestamptz
             * @property {string|null} [uuid] Value uuid
             * @property {cdc.v1.ArrayValue.$Properties|null} [array] Value array
             * @property {string|null} ["enum"] Value enum
             * @property {string|null} [interval] Value interval
             * @property {boolean|null} [unchanged] Value unchanged
             * @property {Long|null} [unsigned] Value unsigned
             * @property {"nullValue"|"boolean"|"integer"|"float"|"decimal"|"text"|"bytes"|"json"|"date"|"time"|"timestamp"|"timestamptz"|"uuid"|"array"|"enum"|"interval"|"unchanged"|"unsigned"} [kind] Value kind
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a Value.
             * @memberof cdc.v1
             * @interface IValue
             * @augments cdc.v1.Value.$Properties
             * @deprecated Use cdc.v1.Value.$Properties instead.
             */

            /**
             * Narrowed shape of a Value.
             * @typedef {{
             *   nullValue?: boolean|null;
             *   boolean?: boolean|null;
             *   integer?: Long|null;
             *   float?: number|null;
             *   decimal?: string|null;
             *   text?: string|null;
             *   bytes?: Uint8Array|null;
             *   json?: string|null;
             *   date?: string|null;
             *   time?: string|null;
             *   timestamp?: string|null;
             *   timestamptz?: string|null;
             *   uuid?: string|null;
             *   array?: cdc.v1.ArrayValue.$Shape|null;
             *   "enum"?: string|null;
             *   interval?: string|null;
             *   unchanged?: boolean|null;
             *   unsigned?: Long|null;
             *   $unknowns?: Array.<Uint8Array>;
             * } & (
             *   ({ kind?: undefined; nullValue?: null; boolean?: null; integer?: null; float?: null; decimal?: null; text?: null; bytes?: null; json?: null; date?: null; time?: null; timestamp?: null; timestamptz?: null; uuid?: null; array?: null; "enum"?: null; interval?: null; unchanged?: null; unsigned?: null }|{ kind?: "nullValue"; nullValue: boolean; boolean?: null; integer?: null; float?: null; decimal?: null; text?: null; bytes?: null; json?: null; date?: null; time?: null; timestamp?: null; timestamptz?: null; uuid?: null; array?: null; "enum"?: null; interval?: null; unchanged?: null; unsigned?: null }|{ kind?: "boolean"; nullValue?: null; boolean: boolean; integer?: null; float?: null; decimal?: null; text?: null; bytes?: null; json?: null; date?: null; time?: null; timestamp?: null; timestamptz?: null; uuid?: null; array?: null; "enum"?: null; interval?: null; unchanged?: null; unsigned?: null }|{ kind?: "integer"; nullValue?: null; boolean?: null; integer: Long; float?: null; decimal?: null; text?: null; bytes?: null; json?: null; date?: null; time?: null; timestamp?: null; timestamptz?: null; uuid?: null; array?: null; "enum"?: null; interval?: null; unchanged?: null; unsigned?: null }|{ kind?: "float"; nullValue?: null; boolean?: null; integer?: null; float: number; decimal?: null; text?: null; bytes?: null; json?: null; date?: null; time?: null; timestamp?: null; timestamptz?: null; uuid?: null; array?: null; "enum"?: null; interval?: null; unchanged?: null; unsigned?: null }|{ kind?: "decimal"; nullValue?: null; boolean?: null; integer?: null; float?: null; decimal: string; text?: null; bytes?: null; json?: null; date?: null; time?: null; timestamp?: null; timestamptz?: null; uuid?: null; array?: null; "enum"?: null; interval?: null; unchanged?: null; unsigned?: null }|{ kind?: "text"; nullValue?: null; boolean?: null; integer?: null; float?: null; decimal?: null; text: string; bytes?: null; json?: null; date?: null; time?: null; timestamp?: null; timestamptz?: null; uuid?: null; array?: null; "enum"?: null; interval?: null; unchanged?: null; unsigned?: null }|{ kind?: "bytes"; nullValue?: null; boolean?: null; integer?: null; float?: null; decimal?: null; text?: null; bytes: Uint8Array; json?: null; date?: null; time?: null; timestamp?: null; timestamptz?: null; uuid?: null; array?: null; "enum"?: null; interval?: null; unchanged?: null; unsigned?: null }|{ kind?: "json"; nullValue?: null; boolean?: null; integer?: null; float?: null; decimal?: null; text?: null; bytes?: null; json: string; date?: null; time?: null; timestamp?: null; timestamptz?: null; uuid?: null; array?: null; "enum"?: null; interval?: null; unchanged?: null; unsigned?: null }|{ kind?: "date"; nullValue?: null; boolean?: null; integer?: null; float?: null; decimal?: null; text?: null; bytes?: null; json?: null; date: string; time?: null; timestamp?: null; timestamptz?: null; uuid?: null; array?: null; "enum"?: null; interval?: null; unchanged?: null; unsigned?: null }|{ kind?: "time"; nullValue?: null; boolean?: null; integer?: null; float?: null; decimal?: null; text?: null; bytes?: null; json?: null; date?: null; time: string; timestamp?: null; timestamptz?: null; uuid?: null; array?: null; "enum"?: null; interval?: null; unchanged?: null; unsigned?: null }|{ kind?: "timestamp"; nullValue?: null; boolean?: null; integer?: null; float?: null; decimal?: null; text?: null; bytes?: null; json?: null; date?: null; time?: null; timestamp: string; timestamptz?: null; uuid?: null; array?: null; "enum"?: null; interval?: null; unchanged?: null; unsigned?: null }|{ kind?: "timestamptz"; nullValue?: null; boolean?: null; integer?: null; float?: null; decimal?: null; text?: null; bytes?: null; json?: null; date?: null; time?: null; timestamp?: null; timestamptz: string; uuid?: null; array?: null; "enum"?: null; interval?: null; unchanged?: null; unsigned?: null }|{ kind?: "uuid"; nullValue?: null; boolean?: null; integer?: null; float?: null; decimal?: null; text?: null; bytes?: null; json?: null; date?: null; time?: null; timestamp?: null; timestamptz?: null; uuid: string; array?: null; "enum"?: null; interval?: null; unchanged?: null; unsigned?: null }|{ kind?: "array"; nullValue?: null; boolean?: null; integer?: null; float?: null; decimal?: null; text?: null; bytes?: null; json?: null; date?: null; time?: null; timestamp?: null; timestamptz?: null; uuid?: null; array: cdc.v1.ArrayValue.$Shape; "enum"?: null; interval?: null; unchanged?: null; unsigned?: null }|{ kind?: "enum"; nullValue?: null; boolean?: null; integer?: null; float?: null; decimal?: null; text?: null; bytes?: null; json?: null; date?: null; time?: null; timestamp?: null; timestamptz?: null; uuid?: null; array?: null; "enum": string; interval?: null; unchanged?: null; unsigned?: null }|{ kind?: "interval"; nullValue?: null; boolean?: null; integer?: null; float?: null; decimal?: null; text?: null; bytes?: null; json?: null; date?: null; time?: null; timestamp?: null; timestamptz?: null; uuid?: null; array?: null; "enum"?: null; interval: string; unchanged?: null; unsigned?: null }|{ kind?: "unchanged"; nullValue?: null; boolean?: null; integer?: null; float?: null; decimal?: null; text?: null; bytes?: null; json?: null; date?: null; time?: null; timestamp?: null; timestamptz?: null; uuid?: null; array?: null; "enum"?: null; interval?: null; unchanged: boolean; unsigned?: null }|{ kind?: "unsigned"; nullValue?: null; boolean?: null; integer?: null; float?: null; decimal?: null; text?: null; bytes?: null; json?: null; date?: null; time?: null; timestamp?: null; timestamptz?: null; uuid?: null; array?: null; "enum"?: null; interval?: null; unchanged?: null; unsigned: Long })
             * )} cdc.v1.Value.$Shape
             */

            /**
             * Constructs a new Value.
             * @memberof cdc.v1
             * @classdesc Represents a Value.
             * @constructor
             * @param {cdc.v1.Value.$Properties=} [properties] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            var Value = function (properties) {
                if (properties)
                    for (var keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            };

            /**
             * Value nullValue.
             * @member {boolean|null|undefined} nullValue
             * @memberof cdc.v1.Value
             * @instance
             */
            Value.prototype.nullValue = null;

            /**
             * Value boolean.
             * @member {boolean|null|undefined} boolean
             * @memberof cdc.v1.Value
             * @instance
             */
            Value.prototype.boolean = null;

            /**
             * Value integer.
             * @member {Long|null|undefined} integer
             * @memberof cdc.v1.Value
             * @instance
             */
            Value.prototype.integer = null;

            /**
             * Value float.
             * @member {number|null|undefined} float
             * @memberof cdc.v1.Value
             * @instance
             */
            Value.prototype.float = null;

            /**
             * Value decimal.
             * @member {string|null|undefined} decimal
             * @memberof cdc.v1.Value
             * @instance
             */
            Value.prototype.decimal = null;

            /**
             * Value text.
             * @member {string|null|undefined} text
             * @memberof cdc.v1.Value
             * @instance
             */
            Value.prototype.text = null;

            /**
             * Value bytes.
             * @member {Uint8Array|null|undefined} bytes
             * @memberof cdc.v1.Value
             * @instance
             */
            Value.prototype.bytes = null;

            /**
             * Value json.
             * @member {string|null|undefined} json
             * @memberof cdc.v1.Value
             * @instance
             */
            Value.prototype.json = null;

            /**
             * Value date.
             * @member {string|null|undefined} date
             * @memberof cdc.v1.Value
             * @instance
             */
            Value.prototype.date = null;

            /**
             * Value time.
             * @member {string|null|undefined} time
             * @memberof cdc.v1.Value
             * @instance
             */
            Value.prototype.time = null;

            /**
             * Value timestamp.
             * @member {string|null|undefined} timestamp
             * @memberof cdc.v1.Value
             * @instance
             */
            Value.prototype.timestamp = null;

            /**
             * Value timestamptz.
             * @member {string|null|undefined} timestamptz
             * @memberof cdc.v1.Value
             * @instance
             */
            Value.prototype.timestamptz = null;

            /**
             * Value uuid.
             * @member {string|null|undefined} uuid
             * @memberof cdc.v1.Value
             * @instance
             */
            Value.prototype.uuid = null;

            /**
             * Value array.
             * @member {cdc.v1.ArrayValue.$Properties|null|undefined} array
             * @memberof cdc.v1.Value
             * @instance
             */
            Value.prototype.array = null;

            /**
             * Value enum.
             * @member {string|null|undefined} enum
             * @memberof cdc.v1.Value
             * @instance
             */
            Value.prototype["enum"] = null;

            /**
             * Value interval.
             * @member {string|null|undefined} interval
             * @memberof cdc.v1.Value
             * @instance
             */
            Value.prototype.interval = null;

            /**
             * Value unchanged.
             * @member {boolean|null|undefined} unchanged
             * @memberof cdc.v1.Value
             * @instance
             */
            Value.prototype.unchanged = null;

            /**
             * Value unsigned.
             * @member {Long|null|undefined} unsigned
             * @memberof cdc.v1.Value
             * @instance
             */
            Value.prototype.unsigned = null;

            // OneOf field names bound to virtual getters and setters
            var $oneOfFields;

            /**
             * Value kind.
             * @member {"nullValue"|"boolean"|"integer"|"float"|"decimal"|"text"|"bytes"|"json"|"date"|"time"|"timestamp"|"timestamptz"|"uuid"|"array"|"enum"|"interval"|"unchanged"|"unsigned"|undefined} kind
             * @memberof cdc.v1.Value
             * @instance
             */
            $Object.defineProperty(Value.prototype, "kind", {
                get: $util.oneOfGetter($oneOfFields = ["nullValue", "boolean", "integer", "float", "decimal", "text", "bytes", "json", "date", "time", "timestamp", "timestamptz", "uuid", "array", "enum", "interval", "unchanged", "unsigned"]),
                set: $util.oneOfSetter($oneOfFields)
            });

            /**
             * Encodes the specified Value message. Does not implicitly {@link cdc.v1.Value.verify|verify} messages.
             * @function encode
             * @memberof cdc.v1.Value
             * @static
             * @param {cdc.v1.Value.$Properties} message Value message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            Value.encode = function (message, writer, _depth) {
                if (!writer)
                    writer = $Writer.create();
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (message.nullValue != null && $Object.hasOwnProperty.call(message, "nullValue"))
                    writer.uint32(/* id 1, wireType 0 =*/8).bool(message.nullValue);
                if (message.boolean != null && $Object.hasOwnProperty.call(message, "boolean"))
                    writer.uint32(/* id 2, wireType 0 =*/16).bool(message.boolean);
                if (message.integer != null && $Object.hasOwnProperty.call(message, "integer"))
                    writer.uint32(/* id 3, wireType 0 =*/24).sint64(message.integer);
                if (message.float != null && $Object.hasOwnProperty.call(message, "float"))
                    writer.uint32(/* id 4, wireType 1 =*/33).double(message.float);
                if (message.decimal != null && $Object.hasOwnProperty.call(message, "decimal"))
                    writer.uint32(/* id 5, wireType 2 =*/42).string(message.decimal);
                if (message.text != null && $Object.hasOwnProperty.call(message, "text"))
                    writer.uint32(/* id 6, wireType 2 =*/50).string(message.text);
                if (message.bytes != null && $Object.hasOwnProperty.call(message, "bytes"))
                    writer.uint32(/* id 7, wireType 2 =*/58).bytes(message.bytes);
                if (message.json != null && $Object.hasOwnProperty.call(message, "json"))
                    writer.uint32(/* id 8, wireType 2 =*/66).string(message.json);
                if (message.date != null && $Object.hasOwnProperty.call(message, "date"))
                    writer.uint32(/* id 9, wireType 2 =*/74).string(message.date);
                if (message.time != null && $Object.hasOwnProperty.call(message, "time"))
                    writer.uint32(/* id 10, wireType 2 =*/82).string(message.time);
                if (message.timestamp != null && $Object.hasOwnProperty.call(message, "timestamp"))
                    writer.uint32(/* id 11, wireType 2 =*/90).string(message.timestamp);
                if (message.timestamptz != null && $Object.hasOwnProperty.call(message, "timestamptz"))
                    writer.uint32(/* id 12, wireType 2 =*/98).string(message.timestamptz);
                if (message.uuid != null && $Object.hasOwnProperty.call(message, "uuid"))
                    writer.uint32(/* id 13, wireType 2 =*/106).string(message.uuid);
                if (message.array != null && $Object.hasOwnProperty.call(message, "array"))
                    $root.cdc.v1.ArrayValue.encode(message.array, writer.uint32(/* id 14, wireType 2 =*/114).fork(), _depth + 1).ldelim();
                if (message["enum"] != null && $Object.hasOwnProperty.call(message, "enum"))
                    writer.uint32(/* id 15, wireType 2 =*/122).string(message["enum"]);
                if (message.interval != null && $Object.hasOwnProperty.call(message, "interval"))
                    writer.uint32(/* id 16, wireType 2 =*/130).string(message.interval);
                if (message.unchanged != null && $Object.hasOwnProperty.call(message, "unchanged"))
                    writer.uint32(/* id 17, wireType 0 =*/136).bool(message.unchanged);
                if (message.unsigned != null && $Object.hasOwnProperty.call(message, "unsigned"))
                    writer.uint32(/* id 18, wireType 0 =*/144).uint64(message.unsigned);
                if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                    for (var i = 0; i < message.$unknowns.length; ++i)
                        writer.raw(message.$unknowns[i]);
                return writer;
            };

            /**
             * Decodes a Value message from the specified reader or buffer.
             * @function decode
             * @memberof cdc.v1.Value
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @param {number} [length] Message length if known beforehand
             * @returns {cdc.v1.Value & cdc.v1.Value.$Shape} Value
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            Value.decode = function (reader, length, _end, _depth, _target) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                var end, message;
                if (length === $undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw $RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = _target || new $root.cdc.v1.Value();
                while (reader.pos < end) {
                    var start = reader.pos;
                    var tag = reader.tag();
                    if (tag === _end) {
                        _end = $undefined;
                        break;
                    }
                    var wireType = tag & 7;
                    switch (tag >>>= 3) {
                    case 1: {
                            if (wireType !== 0)
                                break;
                            message.nullValue = reader.bool();
                            message.kind = "nullValue";
                            continue;
                        }
                    case 2: {
                            if (wireType !== 0)
                                break;
                            message.boolean = reader.bool();
                            message.kind = "boolean";
                            continue;
                        }
                    case 3: {
                            if (wireType !== 0)
                                break;
                            message.integer = reader.sint64();
                            message.kind = "integer";
                            continue;
                        }
                    case 4: {
                            if (wireType !== 1)
                                break;
                            message.float = reader.double();
                            message.kind = "float";
                            continue;
                        }
                    case 5: {
                            if (wireType !== 2)
                                break;
                            message.decimal = reader.stringVerify();
                            message.kind = "decimal";
                            continue;
                        }
                    case 6: {
                            if (wireType !== 2)
                                break;
                            message.text = reader.stringVerify();
                            message.kind = "text";
                            continue;
                        }
                    case 7: {
                            if (wireType !== 2)
                                break;
                            message.bytes = reader.bytes();
                            message.kind = "bytes";
                            continue;
                        }
                    case 8: {
                            if (wireType !== 2)
                                break;
                            message.json = reader.stringVerify();
                            message.kind = "json";
                            continue;
                        }
                    case 9: {
                            if (wireType !== 2)
                                break;
                            message.date = reader.stringVerify();
                            message.kind = "date";
                            continue;
                        }
                    case 10: {
                            if (wireType !== 2)
                                break;
                            message.time = reader.stringVerify();
                            message.kind = "time";
                            continue;
                        }
                    case 11: {
                            if (wireType !== 2)
                                break;
                            message.timestamp = reader.stringVerify();
                            message.kind = "timestamp";
                            continue;
                        }
                    case 12: {
                            if (wireType !== 2)
                                break;
                            message.timestamptz = reader.stringVerify();
                            message.kind = "timestamptz";
                            continue;
                        }
                    case 13: {
                            if (wireType !== 2)
                                break;
                            message.uuid = reader.stringVerify();
                            message.kind = "uuid";
                            continue;
                        }
                    case 14: {
                            if (wireType !== 2)
                                break;
                            message.array = $root.cdc.v1.ArrayValue.decode(reader, reader.size(), $undefined, _depth + 1, message.array);
                            message.kind = "array";
                            continue;
                        }
                    case 15: {
                            if (wireType !== 2)
                                break;
                            message["enum"] = reader.stringVerify();
                            message.kind = "enum";
                            continue;
                        }
                    case 16: {
                            if (wireType !== 2)
                                break;
                            message.interval = reader.stringVerify();
                            message.kind = "interval";
                            continue;
                        }
                    case 17: {
                            if (wireType !== 0)
                                break;
                            message.unchanged = reader.bool();
                            message.kind = "unchanged";
                            continue;
                        }
                    case 18: {
                            if (wireType !== 0)
                                break;
                            message.unsigned = reader.uint64();
                            message.kind = "unsigned";
                            continue;
                        }
                    }
                    reader.skipType(wireType, _depth, tag);
                    if (!reader.discardUnknown) {
                        $util.makeProp(message, "$unknowns", false);
                        (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                    }
                }
                if (length !== $undefined) {
                    if (reader.pos !== end)
                        throw $RangeError("index out of range");
                    reader.len = length;
                }
                if (_end !== $undefined)
                    throw $Error("missing end group");
                return message;
            };

            return Value;
        })();

        v1.ArrayValue = (function() {

            /**
             * Properties of an ArrayValue.
             * @typedef {Object} cdc.v1.ArrayValue.$Properties
             * @property {Array.<cdc.v1.Value.$Properties>|null} [elements] ArrayValue elements
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of an ArrayValue.
             * @memberof cdc.v1
             * @interface IArrayValue
             * @augments cdc.v1.ArrayValue.$Properties
             * @deprecated Use cdc.v1.ArrayValue.$Properties instead.
             */

            /**
             * Shape of an ArrayValue.
             * @typedef {{
             *   elements?: Array.<cdc.v1.Value.$Shape>|null;
             *   $unknowns?: Array.<Uint8Array>;
             * }} cdc.v1.ArrayValue.$Shape
             */

            /**
             * Constructs a new ArrayValue.
             * @memberof cdc.v1
             * @classdesc Represents an ArrayValue.
             * @constructor
             * @param {cdc.v1.ArrayValue.$Properties=} [properties] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            var ArrayValue = function (properties) {
                this.elements = [];
                if (properties)
                    for (var keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            };

            /**
             * ArrayValue elements.
             * @member {Array.<cdc.v1.Value.$Properties>} elements
             * @memberof cdc.v1.ArrayValue
             * @instance
             */
            ArrayValue.prototype.elements = $util.emptyArray;

            /**
             * Encodes the specified ArrayValue message. Does not implicitly {@link cdc.v1.ArrayValue.verify|verify} messages.
             * @function encode
             * @memberof cdc.v1.ArrayValue
             * @static
             * @param {cdc.v1.ArrayValue.$Properties} message ArrayValue message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            ArrayValue.encode = function (message, writer, _depth) {
                if (!writer)
                    writer = $Writer.create();
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (message.elements != null && message.elements.length)
                    for (var i = 0; i < message.elements.length; ++i)
                        $root.cdc.v1.Value.encode(message.elements[i], writer.uint32(/* id 1, wireType 2 =*/10).fork(), _depth + 1).ldelim();
                if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                    for (var i = 0; i < message.$unknowns.length; ++i)
                        writer.raw(message.$unknowns[i]);
                return writer;
            };

            /**
             * Decodes an ArrayValue message from the specified reader or buffer.
             * @function decode
             * @memberof cdc.v1.ArrayValue
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @param {number} [length] Message length if known beforehand
             * @returns {cdc.v1.ArrayValue & cdc.v1.ArrayValue.$Shape} ArrayValue
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            ArrayValue.decode = function (reader, length, _end, _depth, _target) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                var end, message;
                if (length === $undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw $RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = _target || new $root.cdc.v1.ArrayValue();
                while (reader.pos < end) {
                    var start = reader.pos;
                    var tag = reader.tag();
                    if (tag === _end) {
                        _end = $undefined;
                        break;
                    }
                    var wireType = tag & 7;
                    switch (tag >>>= 3) {
                    case 1: {
                            if (wireType !== 2)
                                break;
                            if (!(message.elements && message.elements.length))
                                message.elements = [];
                            message.elements.push($root.cdc.v1.Value.decode(reader, reader.size(), $undefined, _depth + 1));
                            continue;
                        }
                    }
                    reader.skipType(wireType, _depth, tag);
                    if (!reader.discardUnknown) {
                        $util.makeProp(message, "$unknowns", false);
                        (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                    }
                }
                if (length !== $undefined) {
                    if (reader.pos !== end)
                        throw $RangeError("index out of range");
                    reader.len = length;
                }
                if (_end !== $undefined)
                    throw $Error("missing end group");
                return message;
            };

            return ArrayValue;
        })();

        v1.Column = (function() {

            /**
             * Properties of a Column.
             * @typedef {Object} cdc.v1.Column.$Properties
             * @property {string|null} [name] Column name
             * @property {string|null} [type] Column type
             * @property {boolean|null} [key] Column key
             * @property {boolean|null} [nullable] Column nullable
             * @property {number|null} [typeOid] Column typeOid
             * @property {number|null} [elementTypeOid] Column elementTypeOid
             * @property {string|null} [valueKind] Column valueKind
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a Column.
             * @memberof cdc.v1
             * @interface IColumn
             * @augments cdc.v1.Column.$Properties
             * @deprecated Use cdc.v1.Column.$Properties instead.
             */

            /**
             * Shape of a Column.
             * @typedef {cdc.v1.Column.$Properties} cdc.v1.Column.$Shape
             */

            /**
             * Constructs a new Column.
             * @memberof cdc.v1
             * @classdesc Represents a Column.
             * @constructor
             * @param {cdc.v1.Column.$Properties=} [properties] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            var Column = function (properties) {
                if (properties)
                    for (var keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            };

            /**
             * Column name.
             * @member {string} name
             * @memberof cdc.v1.Column
             * @instance
             */
            Column.prototype.name = "";

            /**
             * Column type.
             * @member {string} type
             * @memberof cdc.v1.Column
             * @instance
             */
            Column.prototype.type = "";

            /**
             * Column key.
             * @member {boolean} key
             * @memberof cdc.v1.Column
             * @instance
             */
            Column.prototype.key = false;

            /**
             * Column nullable.
             * @member {boolean} nullable
             * @memberof cdc.v1.Column
             * @instance
             */
            Column.prototype.nullable = false;

            /**
             * Column typeOid.
             * @member {number} typeOid
             * @memberof cdc.v1.Column
             * @instance
             */
            Column.prototype.typeOid = 0;

            /**
             * Column elementTypeOid.
             * @member {number} elementTypeOid
             * @memberof cdc.v1.Column
             * @instance
             */
            Column.prototype.elementTypeOid = 0;

            /**
             * Column valueKind.
             * @member {string} valueKind
             * @memberof cdc.v1.Column
             * @instance
             */
            Column.prototype.valueKind = "";

            /**
             * Encodes the specified Column message. Does not implicitly {@link cdc.v1.Column.verify|verify} messages.
             * @function encode
             * @memberof cdc.v1.Column
             * @static
             * @param {cdc.v1.Column.$Properties} message Column message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            Column.encode = function (message, writer, _depth) {
                if (!writer)
                    writer = $Writer.create();
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (message.name != null && $Object.hasOwnProperty.call(message, "name") && message.name !== "")
                    writer.uint32(/* id 1, wireType 2 =*/10).string(message.name);
                if (message.type != null && $Object.hasOwnProperty.call(message, "type") && message.type !== "")
                    writer.uint32(/* id 2, wireType 2 =*/18).string(message.type);
                if (message.key != null && $Object.hasOwnProperty.call(message, "key") && message.key !== false)
                    writer.uint32(/* id 3, wireType 0 =*/24).bool(message.key);
                if (message.nullable != null && $Object.hasOwnProperty.call(message, "nullable") && message.nullable !== false)
                    writer.uint32(/* id 4, wireType 0 =*/32).bool(message.nullable);
                if (message.typeOid != null && $Object.hasOwnProperty.call(message, "typeOid") && message.typeOid !== 0)
                    writer.uint32(/* id 5, wireType 0 =*/40).uint32(message.typeOid);
                if (message.elementTypeOid != null && $Object.hasOwnProperty.call(message, "elementTypeOid") && message.elementTypeOid !== 0)
                    writer.uint32(/* id 6, wireType 0 =*/48).uint32(message.elementTypeOid);
                if (message.valueKind != null && $Object.hasOwnProperty.call(message, "valueKind") && message.valueKind !== "")
                    writer.uint32(/* id 7, wireType 2 =*/58).string(message.valueKind);
                if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                    for (var i = 0; i < message.$unknowns.length; ++i)
                        writer.raw(message.$unknowns[i]);
                return writer;
            };

            /**
             * Decodes a Column message from the specified reader or buffer.
             * @function decode
             * @memberof cdc.v1.Column
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @param {number} [length] Message length if known beforehand
             * @returns {cdc.v1.Column & cdc.v1.Column.$Shape} Column
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            Column.decode = function (reader, length, _end, _depth, _target) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                var end, message, value;
                if (length === $undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw $RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = _target || new $root.cdc.v1.Column();
                while (reader.pos < end) {
                    var start = reader.pos;
                    var tag = reader.tag();
                    if (tag === _end) {
                        _end = $undefined;
                        break;
                    }
                    var wireType = tag & 7;
                    switch (tag >>>= 3) {
                    case 1: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.name = value;
                            else
                                delete message.name;
                            continue;
                        }
                    case 2: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.type = value;
                            else
                                delete message.type;
                            continue;
                        }
                    case 3: {
                            if (wireType !== 0)
                                break;
                            if (value = reader.bool())
                                message.key = value;
                            else
                                delete message.key;
                            continue;
                        }
                    case 4: {
                            if (wireType !== 0)
                                break;
                            if (value = reader.bool())
                                message.nullable = value;
                            else
                                delete message.nullable;
                            continue;
                        }
                    case 5: {
                            if (wireType !== 0)
                                break;
                            if (value = reader.uint32())
                                message.typeOid = value;
                            else
                                delete message.typeOid;
                            continue;
                        }
                    case 6: {
                            if (wireType !== 0)
                                break;
                            if (value = reader.uint32())
                                message.elementTypeOid = value;
                            else
                                delete message.elementTypeOid;
                            continue;
                        }
                    case 7: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.valueKind = value;
                            else
                                delete message.valueKind;
                            continue;
                        }
                    }
                    reader.skipType(wireType, _depth, tag);
                    if (!reader.discardUnknown) {
                        $util.makeProp(message, "$unknowns", false);
                        (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                    }
                }
                if (length !== $undefined) {
                    if (reader.pos !== end)
                        throw $RangeError("index out of range");
                    reader.len = length;
                }
                if (_end !== $undefined)
                    throw $Error("missing end group");
                return message;
            };

            return Column;
        })();

        v1.TableSchema = (function() {

            /**
             * Properties of a TableSchema.
             * @typedef {Object} cdc.v1.TableSchema.$Properties
             * @property {string|null} [schema] TableSchema schema
             * @property {string|null} [table] TableSchema table
             * @property {Array.<cdc.v1.Column.$Properties>|null} [columns] TableSchema columns
             * @property {boolean|null} [hasKey] TableSchema hasKey
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a TableSchema.
             * @memberof cdc.v1
             * @interface ITableSchema
             * @augments cdc.v1.TableSchema.$Properties
             * @deprecated Use cdc.v1.TableSchema.$Properties instead.
             */

            /**
             * Shape of a TableSchema.
             * @typedef {cdc.v1.TableSchema.$Properties} cdc.v1.TableSchema.$Shape
             */

            /**
             * Constructs a new TableSchema.
             * @memberof cdc.v1
             * @classdesc Represents a TableSchema.
             * @constructor
             * @param {cdc.v1.TableSchema.$Properties=} [properties] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            var TableSchema = function (properties) {
                this.columns = [];
                if (properties)
                    for (var keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            };

            /**
             * TableSchema schema.
             * @member {string} schema
             * @memberof cdc.v1.TableSchema
             * @instance
             */
            TableSchema.prototype.schema = "";

            /**
             * TableSchema table.
             * @member {string} table
             * @memberof cdc.v1.TableSchema
             * @instance
             */
            TableSchema.prototype.table = "";

            /**
             * TableSchema columns.
             * @member {Array.<cdc.v1.Column.$Properties>} columns
             * @memberof cdc.v1.TableSchema
             * @instance
             */
            TableSchema.prototype.columns = $util.emptyArray;

            /**
             * TableSchema hasKey.
             * @member {boolean} hasKey
             * @memberof cdc.v1.TableSchema
             * @instance
             */
            TableSchema.prototype.hasKey = false;

            /**
             * Encodes the specified TableSchema message. Does not implicitly {@link cdc.v1.TableSchema.verify|verify} messages.
             * @function encode
             * @memberof cdc.v1.TableSchema
             * @static
             * @param {cdc.v1.TableSchema.$Properties} message TableSchema message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            TableSchema.encode = function (message, writer, _depth) {
                if (!writer)
                    writer = $Writer.create();
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (message.schema != null && $Object.hasOwnProperty.call(message, "schema") && message.schema !== "")
                    writer.uint32(/* id 1, wireType 2 =*/10).string(message.schema);
                if (message.table != null && $Object.hasOwnProperty.call(message, "table") && message.table !== "")
                    writer.uint32(/* id 2, wireType 2 =*/18).string(message.table);
                if (message.columns != null && message.columns.length)
                    for (var i = 0; i < message.columns.length; ++i)
                        $root.cdc.v1.Column.encode(message.columns[i], writer.uint32(/* id 3, wireType 2 =*/26).fork(), _depth + 1).ldelim();
                if (message.hasKey != null && $Object.hasOwnProperty.call(message, "hasKey") && message.hasKey !== false)
                    writer.uint32(/* id 4, wireType 0 =*/32).bool(message.hasKey);
                if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                    for (var i = 0; i < message.$unknowns.length; ++i)
                        writer.raw(message.$unknowns[i]);
                return writer;
            };

            /**
             * Decodes a TableSchema message from the specified reader or buffer.
             * @function decode
             * @memberof cdc.v1.TableSchema
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @param {number} [length] Message length if known beforehand
             * @returns {cdc.v1.TableSchema & cdc.v1.TableSchema.$Shape} TableSchema
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            TableSchema.decode = function (reader, length, _end, _depth, _target) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                var end, message, value;
                if (length === $undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw $RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = _target || new $root.cdc.v1.TableSchema();
                while (reader.pos < end) {
                    var start = reader.pos;
                    var tag = reader.tag();
                    if (tag === _end) {
                        _end = $undefined;
                        break;
                    }
                    var wireType = tag & 7;
                    switch (tag >>>= 3) {
                    case 1: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.schema = value;
                            else
                                delete message.schema;
                            continue;
                        }
                    case 2: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.table = value;
                            else
                                delete message.table;
                            continue;
                        }
                    case 3: {
                            if (wireType !== 2)
                                break;
                            if (!(message.columns && message.columns.length))
                                message.columns = [];
                            message.columns.push($root.cdc.v1.Column.decode(reader, reader.size(), $undefined, _depth + 1));
                            continue;
                        }
                    case 4: {
                            if (wireType !== 0)
                                break;
                            if (value = reader.bool())
                                message.hasKey = value;
                            else
                                delete message.hasKey;
                            continue;
                        }
                    }
                    reader.skipType(wireType, _depth, tag);
                    if (!reader.discardUnknown) {
                        $util.makeProp(message, "$unknowns", false);
                        (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                    }
                }
                if (length !== $undefined) {
                    if (reader.pos !== end)
                        throw $RangeError("index out of range");
                    reader.len = length;
                }
                if (_end !== $undefined)
                    throw $Error("missing end group");
                return message;
            };

            return TableSchema;
        })();

        /**
         * Kind enum.
         * @name cdc.v1.Kind
         * @enum {number}
         * @property {number} KIND_UNSPECIFIED=0 KIND_UNSPECIFIED value
         * @property {number} KIND_INSERT=1 KIND_INSERT value
         * @property {number} KIND_UPDATE=2 KIND_UPDATE value
         * @property {number} KIND_DELETE=3 KIND_DELETE value
         * @property {number} KIND_TRUNCATE=4 KIND_TRUNCATE value
         * @property {number} KIND_DDL=5 KIND_DDL value
         * @property {number} KIND_SNAPSHOT_ROW=6 KIND_SNAPSHOT_ROW value
         * @property {number} KIND_ROWS=7 KIND_ROWS value
         */
        v1.Kind = (function() {
            var valuesById = $Object.create(null), values = $Object.create(valuesById);
            values[valuesById[0] = "KIND_UNSPECIFIED"] = 0;
            values[valuesById[1] = "KIND_INSERT"] = 1;
            values[valuesById[2] = "KIND_UPDATE"] = 2;
            values[valuesById[3] = "KIND_DELETE"] = 3;
            values[valuesById[4] = "KIND_TRUNCATE"] = 4;
            values[valuesById[5] = "KIND_DDL"] = 5;
            values[valuesById[6] = "KIND_SNAPSHOT_ROW"] = 6;
            values[valuesById[7] = "KIND_ROWS"] = 7;
            return values;
        })();

        v1.Position = (function() {

            /**
             * Properties of a Position.
             * @typedef {Object} cdc.v1.Position.$Properties
             * @property {Long|null} [commit] Position commit
             * @property {number|null} [index] Position index
             * @property {Uint8Array|null} [token] Position token
             * @property {string|null} [lane] Position lane
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a Position.
             * @memberof cdc.v1
             * @interface IPosition
             * @augments cdc.v1.Position.$Properties
             * @deprecated Use cdc.v1.Position.$Properties instead.
             */

            /**
             * Shape of a Position.
             * @typedef {cdc.v1.Position.$Properties} cdc.v1.Position.$Shape
             */

            /**
             * Constructs a new Position.
             * @memberof cdc.v1
             * @classdesc Represents a Position.
             * @constructor
             * @param {cdc.v1.Position.$Properties=} [properties] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            var Position = function (properties) {
                if (properties)
                    for (var keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            };

            /**
             * Position commit.
             * @member {Long} commit
             * @memberof cdc.v1.Position
             * @instance
             */
            Position.prototype.commit = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

            /**
             * Position index.
             * @member {number} index
             * @memberof cdc.v1.Position
             * @instance
             */
            Position.prototype.index = 0;

            /**
             * Position token.
             * @member {Uint8Array} token
             * @memberof cdc.v1.Position
             * @instance
             */
            Position.prototype.token = $util.newBuffer([]);

            /**
             * Position lane.
             * @member {string} lane
             * @memberof cdc.v1.Position
             * @instance
             */
            Position.prototype.lane = "";

            /**
             * Encodes the specified Position message. Does not implicitly {@link cdc.v1.Position.verify|verify} messages.
             * @function encode
             * @memberof cdc.v1.Position
             * @static
             * @param {cdc.v1.Position.$Properties} message Position message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            Position.encode = function (message, writer, _depth) {
                if (!writer)
                    writer = $Writer.create();
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (message.commit != null && $Object.hasOwnProperty.call(message, "commit") && (typeof message.commit === "object" ? message.commit.low || message.commit.high : message.commit !== 0))
                    writer.uint32(/* id 1, wireType 0 =*/8).uint64(message.commit);
                if (message.index != null && $Object.hasOwnProperty.call(message, "index") && message.index !== 0)
                    writer.uint32(/* id 2, wireType 0 =*/16).uint32(message.index);
                if (message.token != null && $Object.hasOwnProperty.call(message, "token") && message.token.length)
                    writer.uint32(/* id 3, wireType 2 =*/26).bytes(message.token);
                if (message.lane != null && $Object.hasOwnProperty.call(message, "lane") && message.lane !== "")
                    writer.uint32(/* id 4, wireType 2 =*/34).string(message.lane);
                if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                    for (var i = 0; i < message.$unknowns.length; ++i)
                        writer.raw(message.$unknowns[i]);
                return writer;
            };

            /**
             * Decodes a Position message from the specified reader or buffer.
             * @function decode
             * @memberof cdc.v1.Position
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @param {number} [length] Message length if known beforehand
             * @returns {cdc.v1.Position & cdc.v1.Position.$Shape} Position
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            Position.decode = function (reader, length, _end, _depth, _target) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                var end, message, value;
                if (length === $undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw $RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = _target || new $root.cdc.v1.Position();
                while (reader.pos < end) {
                    var start = reader.pos;
                    var tag = reader.tag();
                    if (tag === _end) {
                        _end = $undefined;
                        break;
                    }
                    var wireType = tag & 7;
                    switch (tag >>>= 3) {
                    case 1: {
                            if (wireType !== 0)
                                break;
                            if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                                message.commit = value;
                            else
                                delete message.commit;
                            continue;
                        }
                    case 2: {
                            if (wireType !== 0)
                                break;
                            if (value = reader.uint32())
                                message.index = value;
                            else
                                delete message.index;
                            continue;
                        }
                    case 3: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.bytes()).length)
                                message.token = value;
                            else
                                delete message.token;
                            continue;
                        }
                    case 4: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.lane = value;
                            else
                                delete message.lane;
                            continue;
                        }
                    }
                    reader.skipType(wireType, _depth, tag);
                    if (!reader.discardUnknown) {
                        $util.makeProp(message, "$unknowns", false);
                        (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                    }
                }
                if (length !== $undefined) {
                    if (reader.pos !== end)
                        throw $RangeError("index out of range");
                    reader.len = length;
                }
                if (_end !== $undefined)
                    throw $Error("missing end group");
                return message;
            };

            return Position;
        })();

        v1.ChangeOp = (function() {

            /**
             * Properties of a ChangeOp.
             * @typedef {Object} cdc.v1.ChangeOp.$Properties
             * @property {cdc.v1.Kind|null} [kind] ChangeOp kind
             * @property {number|null} [table] ChangeOp table
             * @property {Array.<cdc.v1.Value.$Properties>|null} [key] ChangeOp key
             * @property {Array.<cdc.v1.Value.$Properties>|null} [before] ChangeOp before
             * @property {Array.<cdc.v1.Value.$Properties>|null} [after] ChangeOp after
             * @property {cdc.v1.Position.$Properties|null} [position] ChangeOp position
             * @property {Long|null} [commitTimeUs] ChangeOp commitTimeUs
             * @property {string|null} [ddl] ChangeOp ddl
             * @property {Array.<number>|null} [barrier] ChangeOp barrier
             * @property {Uint8Array|null} [keyText] ChangeOp keyText
             * @property {Uint8Array|null} [beforeText] ChangeOp beforeText
             * @property {Uint8Array|null} [afterText] ChangeOp afterText
             * @property {number|null} [rows] ChangeOp rows
             * @property {boolean|null} [intoEmpty] ChangeOp intoEmpty
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a ChangeOp.
             * @memberof cdc.v1
             * @interface IChangeOp
             * @augments cdc.v1.ChangeOp.$Properties
             * @deprecated Use cdc.v1.ChangeOp.$Properties instead.
             */

            /**
             * Shape of a ChangeOp.
             * @typedef {{
             *   kind?: cdc.v1.Kind|null;
             *   table?: number|null;
             *   key?: Array.<cdc.v1.Value.$Shape>|null;
             *   before?: Array.<cdc.v1.Value.$Shape>|null;
             *   after?: Array.<cdc.v1.Value.$Shape>|null;
             *   position?: cdc.v1.Position.$Shape|null;
             *   commitTimeUs?: Long|null;
             *   ddl?: string|null;
             *   barrier?: Array.<number>|null;
             *   keyText?: Uint8Array|null;
             *   beforeText?: Uint8Array|null;
             *   afterText?: Uint8Array|null;
             *   rows?: number|null;
             *   intoEmpty?: boolean|null;
             *   $unknowns?: Array.<Uint8Array>;
             * }} cdc.v1.ChangeOp.$Shape
             */

            /**
             * Constructs a new ChangeOp.
             * @memberof cdc.v1
             * @classdesc Represents a ChangeOp.
             * @constructor
             * @param {cdc.v1.ChangeOp.$Properties=} [properties] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            var ChangeOp = function (properties) {
                this.key = [];
                this.before = [];
                this.after = [];
                this.barrier = [];
                if (properties)
                    for (var keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            };

            /**
             * ChangeOp kind.
             * @member {cdc.v1.Kind} kind
             * @memberof cdc.v1.ChangeOp
             * @instance
             */
            ChangeOp.prototype.kind = 0;

            /**
             * ChangeOp table.
             * @member {number} table
             * @memberof cdc.v1.ChangeOp
             * @instance
             */
            ChangeOp.prototype.table = 0;

            /**
             * ChangeOp key.
             * @member {Array.<cdc.v1.Value.$Properties>} key
             * @memberof cdc.v1.ChangeOp
             * @instance
             */
            ChangeOp.prototype.key = $util.emptyArray;

            /**
             * ChangeOp before.
             * @member {Array.<cdc.v1.Value.$Properties>} before
             * @memberof cdc.v1.ChangeOp
             * @instance
             */
            ChangeOp.prototype.before = $util.emptyArray;

            /**
             * ChangeOp after.
             * @member {Array.<cdc.v1.Value.$Properties>} after
             * @memberof cdc.v1.ChangeOp
             * @instance
             */
            ChangeOp.prototype.after = $util.emptyArray;

            /**
             * ChangeOp position.
             * @member {cdc.v1.Position.$Properties|null|undefined} position
             * @memberof cdc.v1.ChangeOp
             * @instance
             */
            ChangeOp.prototype.position = null;

            /**
             * ChangeOp commitTimeUs.
             * @member {Long} commitTimeUs
             * @memberof cdc.v1.ChangeOp
             * @instance
             */
            ChangeOp.prototype.commitTimeUs = $util.Long ? $util.Long.fromBits(0,0,false) : 0;

            /**
             * ChangeOp ddl.
             * @member {string} ddl
             * @memberof cdc.v1.ChangeOp
             * @instance
             */
            ChangeOp.prototype.ddl = "";

            /**
             * ChangeOp barrier.
             * @member {Array.<number>} barrier
             * @memberof cdc.v1.ChangeOp
             * @instance
             */
            ChangeOp.prototype.barrier = $util.emptyArray;

            /**
             * ChangeOp keyText.
             * @member {Uint8Array} keyText
             * @memberof cdc.v1.ChangeOp
             * @instance
             */
            ChangeOp.prototype.keyText = $util.newBuffer([]);

            /**
             * ChangeOp beforeText.
             * @member {Uint8Array} beforeText
             * @memberof cdc.v1.ChangeOp
             * @instance
             */
            ChangeOp.prototype.beforeText = $util.newBuffer([]);

            /**
             * ChangeOp afterText.
             * @member {Uint8Array} afterText
             * @memberof cdc.v1.ChangeOp
             * @instance
             */
            ChangeOp.prototype.afterText = $util.newBuffer([]);

            /**
             * ChangeOp rows.
             * @member {number} rows
             * @memberof cdc.v1.ChangeOp
             * @instance
             */
            ChangeOp.prototype.rows = 0;

            /**
             * ChangeOp intoEmpty.
             * @member {boolean} intoEmpty
             * @memberof cdc.v1.ChangeOp
             * @instance
             */
            ChangeOp.prototype.intoEmpty = false;

            /**
             * Encodes the specified ChangeOp message. Does not implicitly {@link cdc.v1.ChangeOp.verify|verify} messages.
             * @function encode
             * @memberof cdc.v1.ChangeOp
             * @static
             * @param {cdc.v1.ChangeOp.$Properties} message ChangeOp message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            ChangeOp.encode = function (message, writer, _depth) {
                if (!writer)
                    writer = $Writer.create();
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (message.kind != null && $Object.hasOwnProperty.call(message, "kind") && message.kind !== 0)
                    writer.uint32(/* id 1, wireType 0 =*/8).int32(message.kind);
                if (message.table != null && $Object.hasOwnProperty.call(message, "table") && message.table !== 0)
                    writer.uint32(/* id 2, wireType 0 =*/16).uint32(message.table);
                if (message.key != null && message.key.length)
                    for (var i = 0; i < message.key.length; ++i)
                        $root.cdc.v1.Value.encode(message.key[i], writer.uint32(/* id 3, wireType 2 =*/26).fork(), _depth + 1).ldelim();
                if (message.before != null && message.before.length)
                    for (var i = 0; i < message.before.length; ++i)
                        $root.cdc.v1.Value.encode(message.before[i], writer.uint32(/* id 4, wireType 2 =*/34).fork(), _depth + 1).ldelim();
                if (message.after != null && message.after.length)
                    for (var i = 0; i < message.after.length; ++i)
                        $root.cdc.v1.Value.encode(message.after[i], writer.uint32(/* id 5, wireType 2 =*/42).fork(), _depth + 1).ldelim();
                if (message.position != null && $Object.hasOwnProperty.call(message, "position"))
                    $root.cdc.v1.Position.encode(message.position, writer.uint32(/* id 6, wireType 2 =*/50).fork(), _depth + 1).ldelim();
                if (message.commitTimeUs != null && $Object.hasOwnProperty.call(message, "commitTimeUs") && (typeof message.commitTimeUs === "object" ? message.commitTimeUs.low || message.commitTimeUs.high : message.commitTimeUs !== 0))
                    writer.uint32(/* id 7, wireType 0 =*/56).sint64(message.commitTimeUs);
                if (message.ddl != null && $Object.hasOwnProperty.call(message, "ddl") && message.ddl !== "")
                    writer.uint32(/* id 8, wireType 2 =*/66).string(message.ddl);
                if (message.barrier != null && message.barrier.length)
                    writer.uint32(/* id 9, wireType 2 =*/74).uint32s(message.barrier);
                if (message.keyText != null && $Object.hasOwnProperty.call(message, "keyText") && message.keyText.length)
                    writer.uint32(/* id 10, wireType 2 =*/82).bytes(message.keyText);
                if (message.beforeText != null && $Object.hasOwnProperty.call(message, "beforeText") && message.beforeText.length)
                    writer.uint32(/* id 11, wireType 2 =*/90).bytes(message.beforeText);
                if (message.afterText != null && $Object.hasOwnProperty.call(message, "afterText") && message.afterText.length)
                    writer.uint32(/* id 12, wireType 2 =*/98).bytes(message.afterText);
                if (message.rows != null && $Object.hasOwnProperty.call(message, "rows") && message.rows !== 0)
                    writer.uint32(/* id 13, wireType 0 =*/104).uint32(message.rows);
                if (message.intoEmpty != null && $Object.hasOwnProperty.call(message, "intoEmpty") && message.intoEmpty !== false)
                    writer.uint32(/* id 14, wireType 0 =*/112).bool(message.intoEmpty);
                if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                    for (var i = 0; i < message.$unknowns.length; ++i)
                        writer.raw(message.$unknowns[i]);
                return writer;
            };

            /**
             * Decodes a ChangeOp message from the specified reader or buffer.
             * @function decode
             * @memberof cdc.v1.ChangeOp
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @param {number} [length] Message length if known beforehand
             * @returns {cdc.v1.ChangeOp & cdc.v1.ChangeOp.$Shape} ChangeOp
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            ChangeOp.decode = function (reader, length, _end, _depth, _target) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                var end, message, value;
                if (length === $undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw $RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = _target || new $root.cdc.v1.ChangeOp();
                while (reader.pos < end) {
                    var start = reader.pos;
                    var tag = reader.tag();
                    if (tag === _end) {
                        _end = $undefined;
                        break;
                    }
                    var wireType = tag & 7;
                    switch (tag >>>= 3) {
                    case 1: {
                            if (wireType !== 0)
                                break;
                            if (value = reader.int32())
                                message.kind = value;
                            else
                                delete message.kind;
                            continue;
                        }
                    case 2: {
                            if (wireType !== 0)
                                break;
                            if (value = reader.uint32())
                                message.table = value;
                            else
                                delete message.table;
                            continue;
                        }
                    case 3: {
                            if (wireType !== 2)
                                break;
                            if (!(message.key && message.key.length))
                                message.key = [];
                            message.key.push($root.cdc.v1.Value.decode(reader, reader.size(), $undefined, _depth + 1));
                            continue;
                        }
                    case 4: {
                            if (wireType !== 2)
                                break;
                            if (!(message.before && message.before.length))
                                message.before = [];
                            message.before.push($root.cdc.v1.Value.decode(reader, reader.size(), $undefined, _depth + 1));
                            continue;
                        }
                    case 5: {
                            if (wireType !== 2)
                                break;
                            if (!(message.after && message.after.length))
                                message.after = [];
                            message.after.push($root.cdc.v1.Value.decode(reader, reader.size(), $undefined, _depth + 1));
                            continue;
                        }
                    case 6: {
                            if (wireType !== 2)
                                break;
                            message.position = $root.cdc.v1.Position.decode(reader, reader.size(), $undefined, _depth + 1, message.position);
                            continue;
                        }
                    case 7: {
                            if (wireType !== 0)
                                break;
                            if (typeof (value = reader.sint64()) === "object" ? value.low || value.high : value !== 0)
                                message.commitTimeUs = value;
                            else
                                delete message.commitTimeUs;
                            continue;
                        }
                    case 8: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.ddl = value;
                            else
                                delete message.ddl;
                            continue;
                        }
                    case 9: {
                            if (wireType === 2) {
                                if (!(message.barrier && message.barrier.length))
                                    message.barrier = [];
                                reader.uint32s(message.barrier);
                                continue;
                            }
                            if (wireType !== 0)
                                break;
                            if (!(message.barrier && message.barrier.length))
                                message.barrier = [];
                            message.barrier.push(reader.uint32());
                            continue;
                        }
                    case 10: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.bytes()).length)
                                message.keyText = value;
                            else
                                delete message.keyText;
                            continue;
                        }
                    case 11: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.bytes()).length)
                                message.beforeText = value;
                            else
                                delete message.beforeText;
                            continue;
                        }
                    case 12: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.bytes()).length)
                                message.afterText = value;
                            else
                                delete message.afterText;
                            continue;
                        }
                    case 13: {
                            if (wireType !== 0)
                                break;
                            if (value = reader.uint32())
                                message.rows = value;
                            else
                                delete message.rows;
                            continue;
                        }
                    case 14: {
                            if (wireType !== 0)
                                break;
                            if (value = reader.bool())
                                message.intoEmpty = value;
                            else
                                delete message.intoEmpty;
                            continue;
                        }
                    }
                    reader.skipType(wireType, _depth, tag);
                    if (!reader.discardUnknown) {
                        $util.makeProp(message, "$unknowns", false);
                        (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                    }
                }
                if (length !== $undefined) {
                    if (reader.pos !== end)
                        throw $RangeError("index out of range");
                    reader.len = length;
                }
                if (_end !== $undefined)
                    throw $Error("missing end group");
                return message;
            };

            return ChangeOp;
        })();

        v1.ChangeBatch = (function() {

            /**
             * Properties of a ChangeBatch.
             * @typedef {Object} cdc.v1.ChangeBatch.$Properties
             * @property {string|null} [source] ChangeBatch source
             * @property {number|null} [partition] ChangeBatch partition
             * @property {Array.<cdc.v1.TableSchema.$Properties>|null} [tables] ChangeBatch tables
             * @property {Array.<cdc.v1.ChangeOp.$Properties>|null} [ops] ChangeBatch ops
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a ChangeBatch.
             * @memberof cdc.v1
             * @interface IChangeBatch
             * @augments cdc.v1.ChangeBatch.$Properties
             * @deprecated Use cdc.v1.ChangeBatch.$Properties instead.
             */

            /**
             * Shape of a ChangeBatch.
             * @typedef {{
             *   source?: string|null;
             *   partition?: number|null;
             *   tables?: Array.<cdc.v1.TableSchema.$Shape>|null;
             *   ops?: Array.<cdc.v1.ChangeOp.$Shape>|null;
             *   $unknowns?: Array.<Uint8Array>;
             * }} cdc.v1.ChangeBatch.$Shape
             */

            /**
             * Constructs a new ChangeBatch.
             * @memberof cdc.v1
             * @classdesc Represents a ChangeBatch.
             * @constructor
             * @param {cdc.v1.ChangeBatch.$Properties=} [properties] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            var ChangeBatch = function (properties) {
                this.tables = [];
                this.ops = [];
                if (properties)
                    for (var keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            };

            /**
             * ChangeBatch source.
             * @member {string} source
             * @memberof cdc.v1.ChangeBatch
             * @instance
             */
            ChangeBatch.prototype.source = "";

            /**
             * ChangeBatch partition.
             * @member {number} partition
             * @memberof cdc.v1.ChangeBatch
             * @instance
             */
            ChangeBatch.prototype.partition = 0;

            /**
             * ChangeBatch tables.
             * @member {Array.<cdc.v1.TableSchema.$Properties>} tables
             * @memberof cdc.v1.ChangeBatch
             * @instance
             */
            ChangeBatch.prototype.tables = $util.emptyArray;

            /**
             * ChangeBatch ops.
             * @member {Array.<cdc.v1.ChangeOp.$Properties>} ops
             * @memberof cdc.v1.ChangeBatch
             * @instance
             */
            ChangeBatch.prototype.ops = $util.emptyArray;

            /**
             * Encodes the specified ChangeBatch message. Does not implicitly {@link cdc.v1.ChangeBatch.verify|verify} messages.
             * @function encode
             * @memberof cdc.v1.ChangeBatch
             * @static
             * @param {cdc.v1.ChangeBatch.$Properties} message ChangeBatch message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            ChangeBatch.encode = function (message, writer, _depth) {
                if (!writer)
                    writer = $Writer.create();
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (message.source != null && $Object.hasOwnProperty.call(message, "source") && message.source !== "")
                    writer.uint32(/* id 1, wireType 2 =*/10).string(message.source);
                if (message.partition != null && $Object.hasOwnProperty.call(message, "partition") && message.partition !== 0)
                    writer.uint32(/* id 2, wireType 0 =*/16).uint32(message.partition);
                if (message.tables != null && message.tables.length)
                    for (var i = 0; i < message.tables.length; ++i)
                        $root.cdc.v1.TableSchema.encode(message.tables[i], writer.uint32(/* id 3, wireType 2 =*/26).fork(), _depth + 1).ldelim();
                if (message.ops != null && message.ops.length)
                    for (var i = 0; i < message.ops.length; ++i)
                        $root.cdc.v1.ChangeOp.encode(message.ops[i], writer.uint32(/* id 4, wireType 2 =*/34).fork(), _depth + 1).ldelim();
                if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                    for (var i = 0; i < message.$unknowns.length; ++i)
                        writer.raw(message.$unknowns[i]);
                return writer;
            };

            /**
             * Decodes a ChangeBatch message from the specified reader or buffer.
             * @function decode
             * @memberof cdc.v1.ChangeBatch
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @param {number} [length] Message length if known beforehand
             * @returns {cdc.v1.ChangeBatch & cdc.v1.ChangeBatch.$Shape} ChangeBatch
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            ChangeBatch.decode = function (reader, length, _end, _depth, _target) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                var end, message, value;
                if (length === $undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw $RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = _target || new $root.cdc.v1.ChangeBatch();
                while (reader.pos < end) {
                    var start = reader.pos;
                    var tag = reader.tag();
                    if (tag === _end) {
                        _end = $undefined;
                        break;
                    }
                    var wireType = tag & 7;
                    switch (tag >>>= 3) {
                    case 1: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.source = value;
                            else
                                delete message.source;
                            continue;
                        }
                    case 2: {
                            if (wireType !== 0)
                                break;
                            if (value = reader.uint32())
                                message.partition = value;
                            else
                                delete message.partition;
                            continue;
                        }
                    case 3: {
                            if (wireType !== 2)
                                break;
                            if (!(message.tables && message.tables.length))
                                message.tables = [];
                            message.tables.push($root.cdc.v1.TableSchema.decode(reader, reader.size(), $undefined, _depth + 1));
                            continue;
                        }
                    case 4: {
                            if (wireType !== 2)
                                break;
                            if (!(message.ops && message.ops.length))
                                message.ops = [];
                            message.ops.push($root.cdc.v1.ChangeOp.decode(reader, reader.size(), $undefined, _depth + 1));
                            continue;
                        }
                    }
                    reader.skipType(wireType, _depth, tag);
                    if (!reader.discardUnknown) {
                        $util.makeProp(message, "$unknowns", false);
                        (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                    }
                }
                if (length !== $undefined) {
                    if (reader.pos !== end)
                        throw $RangeError("index out of range");
                    reader.len = length;
                }
                if (_end !== $undefined)
                    throw $Error("missing end group");
                return message;
            };

            return ChangeBatch;
        })();

        v1.Watermark = (function() {

            /**
             * Properties of a Watermark.
             * @typedef {Object} cdc.v1.Watermark.$Properties
             * @property {string|null} [source] Watermark source
             * @property {Long|null} [seq] Watermark seq
             * @property {cdc.v1.Position.$Properties|null} [position] Watermark position
             * @property {Long|null} [timeUs] Watermark timeUs
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a Watermark.
             * @memberof cdc.v1
             * @interface IWatermark
             * @augments cdc.v1.Watermark.$Properties
             * @deprecated Use cdc.v1.Watermark.$Properties instead.
             */

            /**
             * Shape of a Watermark.
             * @typedef {cdc.v1.Watermark.$Properties} cdc.v1.Watermark.$Shape
             */

            /**
             * Constructs a new Watermark.
             * @memberof cdc.v1
             * @classdesc Represents a Watermark.
             * @constructor
             * @param {cdc.v1.Watermark.$Properties=} [properties] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            var Watermark = function (properties) {
                if (properties)
                    for (var keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            };

            /**
             * Watermark source.
             * @member {string} source
             * @memberof cdc.v1.Watermark
             * @instance
             */
            Watermark.prototype.source = "";

            /**
             * Watermark seq.
             * @member {Long} seq
             * @memberof cdc.v1.Watermark
             * @instance
             */
            Watermark.prototype.seq = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

            /**
             * Watermark position.
             * @member {cdc.v1.Position.$Properties|null|undefined} position
             * @memberof cdc.v1.Watermark
             * @instance
             */
            Watermark.prototype.position = null;

            /**
             * Watermark timeUs.
             * @member {Long} timeUs
             * @memberof cdc.v1.Watermark
             * @instance
             */
            Watermark.prototype.timeUs = $util.Long ? $util.Long.fromBits(0,0,false) : 0;

            /**
             * Encodes the specified Watermark message. Does not implicitly {@link cdc.v1.Watermark.verify|verify} messages.
             * @function encode
             * @memberof cdc.v1.Watermark
             * @static
             * @param {cdc.v1.Watermark.$Properties} message Watermark message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            Watermark.encode = function (message, writer, _depth) {
                if (!writer)
                    writer = $Writer.create();
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (message.source != null && $Object.hasOwnProperty.call(message, "source") && message.source !== "")
                    writer.uint32(/* id 1, wireType 2 =*/10).string(message.source);
                if (message.seq != null && $Object.hasOwnProperty.call(message, "seq") && (typeof message.seq === "object" ? message.seq.low || message.seq.high : message.seq !== 0))
                    writer.uint32(/* id 2, wireType 0 =*/16).uint64(message.seq);
                if (message.position != null && $Object.hasOwnProperty.call(message, "position"))
                    $root.cdc.v1.Position.encode(message.position, writer.uint32(/* id 3, wireType 2 =*/26).fork(), _depth + 1).ldelim();
                if (message.timeUs != null && $Object.hasOwnProperty.call(message, "timeUs") && (typeof message.timeUs === "object" ? message.timeUs.low || message.timeUs.high : message.timeUs !== 0))
                    writer.uint32(/* id 4, wireType 0 =*/32).sint64(message.timeUs);
                if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                    for (var i = 0; i < message.$unknowns.length; ++i)
                        writer.raw(message.$unknowns[i]);
                return writer;
            };

            /**
             * Decodes a Watermark message from the specified reader or buffer.
             * @function decode
             * @memberof cdc.v1.Watermark
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @param {number} [length] Message length if known beforehand
             * @returns {cdc.v1.Watermark & cdc.v1.Watermark.$Shape} Watermark
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            Watermark.decode = function (reader, length, _end, _depth, _target) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                var end, message, value;
                if (length === $undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw $RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = _target || new $root.cdc.v1.Watermark();
                while (reader.pos < end) {
                    var start = reader.pos;
                    var tag = reader.tag();
                    if (tag === _end) {
                        _end = $undefined;
                        break;
                    }
                    var wireType = tag & 7;
                    switch (tag >>>= 3) {
                    case 1: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.source = value;
                            else
                                delete message.source;
                            continue;
                        }
                    case 2: {
                            if (wireType !== 0)
                                break;
                            if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                                message.seq = value;
                            else
                                delete message.seq;
                            continue;
                        }
                    case 3: {
                            if (wireType !== 2)
                                break;
                            message.position = $root.cdc.v1.Position.decode(reader, reader.size(), $undefined, _depth + 1, message.position);
                            continue;
                        }
                    case 4: {
                            if (wireType !== 0)
                                break;
                            if (typeof (value = reader.sint64()) === "object" ? value.low || value.high : value !== 0)
                                message.timeUs = value;
                            else
                                delete message.timeUs;
                            continue;
                        }
                    }
                    reader.skipType(wireType, _depth, tag);
                    if (!reader.discardUnknown) {
                        $util.makeProp(message, "$unknowns", false);
                        (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                    }
                }
                if (length !== $undefined) {
                    if (reader.pos !== end)
                        throw $RangeError("index out of range");
                    reader.len = length;
                }
                if (_end !== $undefined)
                    throw $Error("missing end group");
                return message;
            };

            return Watermark;
        })();

        return v1;
    })();

    return cdc;
})();

module.exports = $root;
