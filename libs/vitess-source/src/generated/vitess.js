/*eslint-disable block-scoped-var, id-length, no-control-regex, no-magic-numbers, no-mixed-operators, no-prototype-builtins, no-redeclare, no-shadow, no-var, sort-vars, default-case, jsdoc/require-param*/
"use strict";

var $protobuf = require("protobufjs/minimal");

// Common aliases
var $Reader = $protobuf.Reader, $Writer = $protobuf.Writer, $util = $protobuf.util;
var $Object = $util.global.Object, $undefined = $util.global.undefined, $Error = $util.global.Error, $RangeError = $util.global.RangeError;

// Exported root namespace
var $root = $protobuf.roots["default"] || ($protobuf.roots["default"] = {});

$root.vtrpc = (function() {

    /**
     * Namespace vtrpc.
     * @exports vtrpc
     * @namespace
     */
    var vtrpc = {};

    vtrpc.CallerID = (function() {

        /**
         * Properties of a CallerID.
         * @typedef {Object} vtrpc.CallerID.$Properties
         * @property {string|null} [principal] CallerID principal
         * @property {string|null} [component] CallerID component
         * @property {string|null} [subcomponent] CallerID subcomponent
         * @property {Array.<string>|null} [groups] CallerID groups
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of a CallerID.
         * @memberof vtrpc
         * @interface ICallerID
         * @augments vtrpc.CallerID.$Properties
         * @deprecated Use vtrpc.CallerID.$Properties instead.
         */

        /**
         * Shape of a CallerID.
         * @typedef {vtrpc.CallerID.$Properties} vtrpc.CallerID.$Shape
         */

        /**
         * Constructs a new CallerID.
         * @memberof vtrpc
         * @classdesc Represents a CallerID.
         * @constructor
         * @param {vtrpc.CallerID.$Properties=} [properties] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        var CallerID = function (properties) {
            this.groups = [];
            if (properties)
                for (var keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        };

        /**
         * CallerID principal.
         * @member {string} principal
         * @memberof vtrpc.CallerID
         * @instance
         */
        CallerID.prototype.principal = "";

        /**
         * CallerID component.
         * @member {string} component
         * @memberof vtrpc.CallerID
         * @instance
         */
        CallerID.prototype.component = "";

        /**
         * CallerID subcomponent.
         * @member {string} subcomponent
         * @memberof vtrpc.CallerID
         * @instance
         */
        CallerID.prototype.subcomponent = "";

        /**
         * CallerID groups.
         * @member {Array.<string>} groups
         * @memberof vtrpc.CallerID
         * @instance
         */
        CallerID.prototype.groups = $util.emptyArray;

        /**
         * Encodes the specified CallerID message. Does not implicitly {@link vtrpc.CallerID.verify|verify} messages.
         * @function encode
         * @memberof vtrpc.CallerID
         * @static
         * @param {vtrpc.CallerID.$Properties} message CallerID message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        CallerID.encode = function (message, writer, _depth) {
            if (!writer)
                writer = $Writer.create();
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (message.principal != null && $Object.hasOwnProperty.call(message, "principal") && message.principal !== "")
                writer.uint32(/* id 1, wireType 2 =*/10).string(message.principal);
            if (message.component != null && $Object.hasOwnProperty.call(message, "component") && message.component !== "")
                writer.uint32(/* id 2, wireType 2 =*/18).string(message.component);
            if (message.subcomponent != null && $Object.hasOwnProperty.call(message, "subcomponent") && message.subcomponent !== "")
                writer.uint32(/* id 3, wireType 2 =*/26).string(message.subcomponent);
            if (message.groups != null && message.groups.length)
                for (var i = 0; i < message.groups.length; ++i)
                    writer.uint32(/* id 4, wireType 2 =*/34).string(message.groups[i]);
            if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                for (var i = 0; i < message.$unknowns.length; ++i)
                    writer.raw(message.$unknowns[i]);
            return writer;
        };

        /**
         * Decodes a CallerID message from the specified reader or buffer.
         * @function decode
         * @memberof vtrpc.CallerID
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {vtrpc.CallerID & vtrpc.CallerID.$Shape} CallerID
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        CallerID.decode = function (reader, length, _end, _depth, _target) {
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
            message = _target || new $root.vtrpc.CallerID();
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
                            message.principal = value;
                        else
                            delete message.principal;
                        continue;
                    }
                case 2: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.stringVerify()).length)
                            message.component = value;
                        else
                            delete message.component;
                        continue;
                    }
                case 3: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.stringVerify()).length)
                            message.subcomponent = value;
                        else
                            delete message.subcomponent;
                        continue;
                    }
                case 4: {
                        if (wireType !== 2)
                            break;
                        if (!(message.groups && message.groups.length))
                            message.groups = [];
                        message.groups.push(reader.stringVerify());
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

        return CallerID;
    })();

    vtrpc.RPCError = (function() {

        /**
         * Properties of a RPCError.
         * @typedef {Object} vtrpc.RPCError.$Properties
         * @property {string|null} [message] RPCError message
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of a RPCError.
         * @memberof vtrpc
         * @interface IRPCError
         * @augments vtrpc.RPCError.$Properties
         * @deprecated Use vtrpc.RPCError.$Properties instead.
         */

        /**
         * Shape of a RPCError.
         * @typedef {vtrpc.RPCError.$Properties} vtrpc.RPCError.$Shape
         */

        /**
         * Constructs a new RPCError.
         * @memberof vtrpc
         * @classdesc Represents a RPCError.
         * @constructor
         * @param {vtrpc.RPCError.$Properties=} [properties] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        var RPCError = function (properties) {
            if (properties)
                for (var keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        };

        /**
         * RPCError message.
         * @member {string} message
         * @memberof vtrpc.RPCError
         * @instance
         */
        RPCError.prototype.message = "";

        /**
         * Encodes the specified RPCError message. Does not implicitly {@link vtrpc.RPCError.verify|verify} messages.
         * @function encode
         * @memberof vtrpc.RPCError
         * @static
         * @param {vtrpc.RPCError.$Properties} message RPCError message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        RPCError.encode = function (message, writer, _depth) {
            if (!writer)
                writer = $Writer.create();
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (message.message != null && $Object.hasOwnProperty.call(message, "message") && message.message !== "")
                writer.uint32(/* id 2, wireType 2 =*/18).string(message.message);
            if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                for (var i = 0; i < message.$unknowns.length; ++i)
                    writer.raw(message.$unknowns[i]);
            return writer;
        };

        /**
         * Decodes a RPCError message from the specified reader or buffer.
         * @function decode
         * @memberof vtrpc.RPCError
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {vtrpc.RPCError & vtrpc.RPCError.$Shape} RPCError
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        RPCError.decode = function (reader, length, _end, _depth, _target) {
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
            message = _target || new $root.vtrpc.RPCError();
            while (reader.pos < end) {
                var start = reader.pos;
                var tag = reader.tag();
                if (tag === _end) {
                    _end = $undefined;
                    break;
                }
                var wireType = tag & 7;
                switch (tag >>>= 3) {
                case 2: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.stringVerify()).length)
                            message.message = value;
                        else
                            delete message.message;
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

        return RPCError;
    })();

    return vtrpc;
})();

$root.topodata = (function() {

    /**
     * Namespace topodata.
     * @exports topodata
     * @namespace
     */
    var topodata = {};

    /**
     * TabletType enum.
     * @name topodata.TabletType
     * @enum {number}
     * @property {number} UNKNOWN=0 UNKNOWN value
     * @property {number} PRIMARY=1 PRIMARY value
     * @property {number} MASTER=1 MASTER value
     * @property {number} REPLICA=2 REPLICA value
     * @property {number} RDONLY=3 RDONLY value
     * @property {number} BATCH=3 BATCH value
     * @property {number} SPARE=4 SPARE value
     * @property {number} EXPERIMENTAL=5 EXPERIMENTAL value
     * @property {number} BACKUP=6 BACKUP value
     * @property {number} RESTORE=7 RESTORE value
     * @property {number} DRAINED=8 DRAINED value
     */
    topodata.TabletType = (function() {
        var valuesById = $Object.create(null), values = $Object.create(valuesById);
        values[valuesById[0] = "UNKNOWN"] = 0;
        values[valuesById[1] = "PRIMARY"] = 1;
        values["MASTER"] = 1;
        values[valuesById[2] = "REPLICA"] = 2;
        values[valuesById[3] = "RDONLY"] = 3;
        values["BATCH"] = 3;
        values[valuesById[4] = "SPARE"] = 4;
        values[valuesById[5] = "EXPERIMENTAL"] = 5;
        values[valuesById[6] = "BACKUP"] = 6;
        values[valuesById[7] = "RESTORE"] = 7;
        values[valuesById[8] = "DRAINED"] = 8;
        return values;
    })();

    return topodata;
})();

$root.query = (function() {

    /**
     * Namespace query.
     * @exports query
     * @namespace
     */
    var query = {};

    /**
     * Type enum.
     * @name query.Type
     * @enum {number}
     * @property {number} NULL_TYPE=0 NULL_TYPE value
     * @property {number} INT8=257 INT8 value
     * @property {number} UINT8=770 UINT8 value
     * @property {number} INT16=259 INT16 value
     * @property {number} UINT16=772 UINT16 value
     * @property {number} INT24=261 INT24 value
     * @property {number} UINT24=774 UINT24 value
     * @property {number} INT32=263 INT32 value
     * @property {number} UINT32=776 UINT32 value
     * @property {number} INT64=265 INT64 value
     * @property {number} UINT64=778 UINT64 value
     * @property {number} FLOAT32=1035 FLOAT32 value
     * @property {number} FLOAT64=1036 FLOAT64 value
     * @property {number} TIMESTAMP=2061 TIMESTAMP value
     * @property {number} DATE=2062 DATE value
     * @property {number} TIME=2063 TIME value
     * @property {number} DATETIME=2064 DATETIME value
     * @property {number} YEAR=785 YEAR value
     * @property {number} DECIMAL=18 DECIMAL value
     * @property {number} TEXT=6163 TEXT value
     * @property {number} BLOB=10260 BLOB value
     * @property {number} VARCHAR=6165 VARCHAR value
     * @property {number} VARBINARY=10262 VARBINARY value
     * @property {number} CHAR=6167 CHAR value
     * @property {number} BINARY=10264 BINARY value
     * @property {number} BIT=2073 BIT value
     * @property {number} ENUM=2074 ENUM value
     * @property {number} SET=2075 SET value
     * @property {number} TUPLE=28 TUPLE value
     * @property {number} GEOMETRY=2077 GEOMETRY value
     * @property {number} JSON=2078 JSON value
     * @property {number} EXPRESSION=31 EXPRESSION value
     * @property {number} HEXNUM=4128 HEXNUM value
     * @property {number} HEXVAL=4129 HEXVAL value
     * @property {number} BITNUM=4130 BITNUM value
     * @property {number} VECTOR=2083 VECTOR value
     * @property {number} RAW=2084 RAW value
     * @property {number} ROW_TUPLE=2085 ROW_TUPLE value
     */
    query.Type = (function() {
        var valuesById = $Object.create(null), values = $Object.create(valuesById);
        values[valuesById[0] = "NULL_TYPE"] = 0;
        values[valuesById[257] = "INT8"] = 257;
        values[valuesById[770] = "UINT8"] = 770;
        values[valuesById[259] = "INT16"] = 259;
        values[valuesById[772] = "UINT16"] = 772;
        values[valuesById[261] = "INT24"] = 261;
        values[valuesById[774] = "UINT24"] = 774;
        values[valuesById[263] = "INT32"] = 263;
        values[valuesById[776] = "UINT32"] = 776;
        values[valuesById[265] = "INT64"] = 265;
        values[valuesById[778] = "UINT64"] = 778;
        values[valuesById[1035] = "FLOAT32"] = 1035;
        values[valuesById[1036] = "FLOAT64"] = 1036;
        values[valuesById[2061] = "TIMESTAMP"] = 2061;
        values[valuesById[2062] = "DATE"] = 2062;
        values[valuesById[2063] = "TIME"] = 2063;
        values[valuesById[2064] = "DATETIME"] = 2064;
        values[valuesById[785] = "YEAR"] = 785;
        values[valuesById[18] = "DECIMAL"] = 18;
        values[valuesById[6163] = "TEXT"] = 6163;
        values[valuesById[10260] = "BLOB"] = 10260;
        values[valuesById[6165] = "VARCHAR"] = 6165;
        values[valuesById[10262] = "VARBINARY"] = 10262;
        values[valuesById[6167] = "CHAR"] = 6167;
        values[valuesById[10264] = "BINARY"] = 10264;
        values[valuesById[2073] = "BIT"] = 2073;
        values[valuesById[2074] = "ENUM"] = 2074;
        values[valuesById[2075] = "SET"] = 2075;
        values[valuesById[28] = "TUPLE"] = 28;
        values[valuesById[2077] = "GEOMETRY"] = 2077;
        values[valuesById[2078] = "JSON"] = 2078;
        values[valuesById[31] = "EXPRESSION"] = 31;
        values[valuesById[4128] = "HEXNUM"] = 4128;
        values[valuesById[4129] = "HEXVAL"] = 4129;
        values[valuesById[4130] = "BITNUM"] = 4130;
        values[valuesById[2083] = "VECTOR"] = 2083;
        values[valuesById[2084] = "RAW"] = 2084;
        values[valuesById[2085] = "ROW_TUPLE"] = 2085;
        return values;
    })();

    query.Field = (function() {

        /**
         * Properties of a Field.
         * @typedef {Object} query.Field.$Properties
         * @property {string|null} [name] Field name
         * @property {query.Type|null} [type] Field type
         * @property {string|null} [table] Field table
         * @property {string|null} [orgTable] Field orgTable
         * @property {string|null} [database] Field database
         * @property {string|null} [orgName] Field orgName
         * @property {number|null} [columnLength] Field columnLength
         * @property {number|null} [charset] Field charset
         * @property {number|null} [decimals] Field decimals
         * @property {number|null} [flags] Field flags
         * @property {string|null} [columnType] Field columnType
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of a Field.
         * @memberof query
         * @interface IField
         * @augments query.Field.$Properties
         * @deprecated Use query.Field.$Properties instead.
         */

        /**
         * Shape of a Field.
         * @typedef {query.Field.$Properties} query.Field.$Shape
         */

        /**
         * Constructs a new Field.
         * @memberof query
         * @classdesc Represents a Field.
         * @constructor
         * @param {query.Field.$Properties=} [properties] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        var Field = function (properties) {
            if (properties)
                for (var keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        };

        /**
         * Field name.
         * @member {string} name
         * @memberof query.Field
         * @instance
         */
        Field.prototype.name = "";

        /**
         * Field type.
         * @member {query.Type} type
         * @memberof query.Field
         * @instance
         */
        Field.prototype.type = 0;

        /**
         * Field table.
         * @member {string} table
         * @memberof query.Field
         * @instance
         */
        Field.prototype.table = "";

        /**
         * Field orgTable.
         * @member {string} orgTable
         * @memberof query.Field
         * @instance
         */
        Field.prototype.orgTable = "";

        /**
         * Field database.
         * @member {string} database
         * @memberof query.Field
         * @instance
         */
        Field.prototype.database = "";

        /**
         * Field orgName.
         * @member {string} orgName
         * @memberof query.Field
         * @instance
         */
        Field.prototype.orgName = "";

        /**
         * Field columnLength.
         * @member {number} columnLength
         * @memberof query.Field
         * @instance
         */
        Field.prototype.columnLength = 0;

        /**
         * Field charset.
         * @member {number} charset
         * @memberof query.Field
         * @instance
         */
        Field.prototype.charset = 0;

        /**
         * Field decimals.
         * @member {number} decimals
         * @memberof query.Field
         * @instance
         */
        Field.prototype.decimals = 0;

        /**
         * Field flags.
         * @member {number} flags
         * @memberof query.Field
         * @instance
         */
        Field.prototype.flags = 0;

        /**
         * Field columnType.
         * @member {string} columnType
         * @memberof query.Field
         * @instance
         */
        Field.prototype.columnType = "";

        /**
         * Encodes the specified Field message. Does not implicitly {@link query.Field.verify|verify} messages.
         * @function encode
         * @memberof query.Field
         * @static
         * @param {query.Field.$Properties} message Field message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        Field.encode = function (message, writer, _depth) {
            if (!writer)
                writer = $Writer.create();
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (message.name != null && $Object.hasOwnProperty.call(message, "name") && message.name !== "")
                writer.uint32(/* id 1, wireType 2 =*/10).string(message.name);
            if (message.type != null && $Object.hasOwnProperty.call(message, "type") && message.type !== 0)
                writer.uint32(/* id 2, wireType 0 =*/16).int32(message.type);
            if (message.table != null && $Object.hasOwnProperty.call(message, "table") && message.table !== "")
                writer.uint32(/* id 3, wireType 2 =*/26).string(message.table);
            if (message.orgTable != null && $Object.hasOwnProperty.call(message, "orgTable") && message.orgTable !== "")
                writer.uint32(/* id 4, wireType 2 =*/34).string(message.orgTable);
            if (message.database != null && $Object.hasOwnProperty.call(message, "database") && message.database !== "")
                writer.uint32(/* id 5, wireType 2 =*/42).string(message.database);
            if (message.orgName != null && $Object.hasOwnProperty.call(message, "orgName") && message.orgName !== "")
                writer.uint32(/* id 6, wireType 2 =*/50).string(message.orgName);
            if (message.columnLength != null && $Object.hasOwnProperty.call(message, "columnLength") && message.columnLength !== 0)
                writer.uint32(/* id 7, wireType 0 =*/56).uint32(message.columnLength);
            if (message.charset != null && $Object.hasOwnProperty.call(message, "charset") && message.charset !== 0)
                writer.uint32(/* id 8, wireType 0 =*/64).uint32(message.charset);
            if (message.decimals != null && $Object.hasOwnProperty.call(message, "decimals") && message.decimals !== 0)
                writer.uint32(/* id 9, wireType 0 =*/72).uint32(message.decimals);
            if (message.flags != null && $Object.hasOwnProperty.call(message, "flags") && message.flags !== 0)
                writer.uint32(/* id 10, wireType 0 =*/80).uint32(message.flags);
            if (message.columnType != null && $Object.hasOwnProperty.call(message, "columnType") && message.columnType !== "")
                writer.uint32(/* id 11, wireType 2 =*/90).string(message.columnType);
            if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                for (var i = 0; i < message.$unknowns.length; ++i)
                    writer.raw(message.$unknowns[i]);
            return writer;
        };

        /**
         * Decodes a Field message from the specified reader or buffer.
         * @function decode
         * @memberof query.Field
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {query.Field & query.Field.$Shape} Field
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        Field.decode = function (reader, length, _end, _depth, _target) {
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
            message = _target || new $root.query.Field();
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
                        if (wireType !== 0)
                            break;
                        if (value = reader.int32())
                            message.type = value;
                        else
                            delete message.type;
                        continue;
                    }
                case 3: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.stringVerify()).length)
                            message.table = value;
                        else
                            delete message.table;
                        continue;
                    }
                case 4: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.stringVerify()).length)
                            message.orgTable = value;
                        else
                            delete message.orgTable;
                        continue;
                    }
                case 5: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.stringVerify()).length)
                            message.database = value;
                        else
                            delete message.database;
                        continue;
                    }
                case 6: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.stringVerify()).length)
                            message.orgName = value;
                        else
                            delete message.orgName;
                        continue;
                    }
                case 7: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.uint32())
                            message.columnLength = value;
                        else
                            delete message.columnLength;
                        continue;
                    }
                case 8: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.uint32())
                            message.charset = value;
                        else
                            delete message.charset;
                        continue;
                    }
                case 9: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.uint32())
                            message.decimals = value;
                        else
                            delete message.decimals;
                        continue;
                    }
                case 10: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.uint32())
                            message.flags = value;
                        else
                            delete message.flags;
                        continue;
                    }
                case 11: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.stringVerify()).length)
                            message.columnType = value;
                        else
                            delete message.columnType;
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

        return Field;
    })();

    query.Row = (function() {

        /**
         * Properties of a Row.
         * @typedef {Object} query.Row.$Properties
         * @property {Array.<Long>|null} [lengths] Row lengths
         * @property {Uint8Array|null} [values] Row values
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of a Row.
         * @memberof query
         * @interface IRow
         * @augments query.Row.$Properties
         * @deprecated Use query.Row.$Properties instead.
         */

        /**
         * Shape of a Row.
         * @typedef {query.Row.$Properties} query.Row.$Shape
         */

        /**
         * Constructs a new Row.
         * @memberof query
         * @classdesc Represents a Row.
         * @constructor
         * @param {query.Row.$Properties=} [properties] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        var Row = function (properties) {
            this.lengths = [];
            if (properties)
                for (var keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        };

        /**
         * Row lengths.
         * @member {Array.<Long>} lengths
         * @memberof query.Row
         * @instance
         */
        Row.prototype.lengths = $util.emptyArray;

        /**
         * Row values.
         * @member {Uint8Array} values
         * @memberof query.Row
         * @instance
         */
        Row.prototype.values = $util.newBuffer([]);

        /**
         * Encodes the specified Row message. Does not implicitly {@link query.Row.verify|verify} messages.
         * @function encode
         * @memberof query.Row
         * @static
         * @param {query.Row.$Properties} message Row message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        Row.encode = function (message, writer, _depth) {
            if (!writer)
                writer = $Writer.create();
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (message.lengths != null && message.lengths.length)
                writer.uint32(/* id 1, wireType 2 =*/10).sint64s(message.lengths);
            if (message.values != null && $Object.hasOwnProperty.call(message, "values") && message.values.length)
                writer.uint32(/* id 2, wireType 2 =*/18).bytes(message.values);
            if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                for (var i = 0; i < message.$unknowns.length; ++i)
                    writer.raw(message.$unknowns[i]);
            return writer;
        };

        /**
         * Decodes a Row message from the specified reader or buffer.
         * @function decode
         * @memberof query.Row
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {query.Row & query.Row.$Shape} Row
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        Row.decode = function (reader, length, _end, _depth, _target) {
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
            message = _target || new $root.query.Row();
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
                        if (wireType === 2) {
                            if (!(message.lengths && message.lengths.length))
                                message.lengths = [];
                            reader.sint64s(message.lengths);
                            continue;
                        }
                        if (wireType !== 0)
                            break;
                        if (!(message.lengths && message.lengths.length))
                            message.lengths = [];
                        message.lengths.push(reader.sint64());
                        continue;
                    }
                case 2: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.bytes()).length)
                            message.values = value;
                        else
                            delete message.values;
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

        return Row;
    })();

    query.QueryResult = (function() {

        /**
         * Properties of a QueryResult.
         * @typedef {Object} query.QueryResult.$Properties
         * @property {Array.<query.Field.$Properties>|null} [fields] QueryResult fields
         * @property {Long|null} [rowsAffected] QueryResult rowsAffected
         * @property {Long|null} [insertId] QueryResult insertId
         * @property {Array.<query.Row.$Properties>|null} [rows] QueryResult rows
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of a QueryResult.
         * @memberof query
         * @interface IQueryResult
         * @augments query.QueryResult.$Properties
         * @deprecated Use query.QueryResult.$Properties instead.
         */

        /**
         * Shape of a QueryResult.
         * @typedef {query.QueryResult.$Properties} query.QueryResult.$Shape
         */

        /**
         * Constructs a new QueryResult.
         * @memberof query
         * @classdesc Represents a QueryResult.
         * @constructor
         * @param {query.QueryResult.$Properties=} [properties] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        var QueryResult = function (properties) {
            this.fields = [];
            this.rows = [];
            if (properties)
                for (var keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        };

        /**
         * QueryResult fields.
         * @member {Array.<query.Field.$Properties>} fields
         * @memberof query.QueryResult
         * @instance
         */
        QueryResult.prototype.fields = $util.emptyArray;

        /**
         * QueryResult rowsAffected.
         * @member {Long} rowsAffected
         * @memberof query.QueryResult
         * @instance
         */
        QueryResult.prototype.rowsAffected = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

        /**
         * QueryResult insertId.
         * @member {Long} insertId
         * @memberof query.QueryResult
         * @instance
         */
        QueryResult.prototype.insertId = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

        /**
         * QueryResult rows.
         * @member {Array.<query.Row.$Properties>} rows
         * @memberof query.QueryResult
         * @instance
         */
        QueryResult.prototype.rows = $util.emptyArray;

        /**
         * Encodes the specified QueryResult message. Does not implicitly {@link query.QueryResult.verify|verify} messages.
         * @function encode
         * @memberof query.QueryResult
         * @static
         * @param {query.QueryResult.$Properties} message QueryResult message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        QueryResult.encode = function (message, writer, _depth) {
            if (!writer)
                writer = $Writer.create();
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (message.fields != null && message.fields.length)
                for (var i = 0; i < message.fields.length; ++i)
                    $root.query.Field.encode(message.fields[i], writer.uint32(/* id 1, wireType 2 =*/10).fork(), _depth + 1).ldelim();
            if (message.rowsAffected != null && $Object.hasOwnProperty.call(message, "rowsAffected") && (typeof message.rowsAffected === "object" ? message.rowsAffected.low || message.rowsAffected.high : message.rowsAffected !== 0))
                writer.uint32(/* id 2, wireType 0 =*/16).uint64(message.rowsAffected);
            if (message.insertId != null && $Object.hasOwnProperty.call(message, "insertId") && (typeof message.insertId === "object" ? message.insertId.low || message.insertId.high : message.insertId !== 0))
                writer.uint32(/* id 3, wireType 0 =*/24).uint64(message.insertId);
            if (message.rows != null && message.rows.length)
                for (var i = 0; i < message.rows.length; ++i)
                    $root.query.Row.encode(message.rows[i], writer.uint32(/* id 4, wireType 2 =*/34).fork(), _depth + 1).ldelim();
            if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                for (var i = 0; i < message.$unknowns.length; ++i)
                    writer.raw(message.$unknowns[i]);
            return writer;
        };

        /**
         * Decodes a QueryResult message from the specified reader or buffer.
         * @function decode
         * @memberof query.QueryResult
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {query.QueryResult & query.QueryResult.$Shape} QueryResult
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        QueryResult.decode = function (reader, length, _end, _depth, _target) {
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
            message = _target || new $root.query.QueryResult();
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
                        if (!(message.fields && message.fields.length))
                            message.fields = [];
                        message.fields.push($root.query.Field.decode(reader, reader.size(), $undefined, _depth + 1));
                        continue;
                    }
                case 2: {
                        if (wireType !== 0)
                            break;
                        if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                            message.rowsAffected = value;
                        else
                            delete message.rowsAffected;
                        continue;
                    }
                case 3: {
                        if (wireType !== 0)
                            break;
                        if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                            message.insertId = value;
                        else
                            delete message.insertId;
                        continue;
                    }
                case 4: {
                        if (wireType !== 2)
                            break;
                        if (!(message.rows && message.rows.length))
                            message.rows = [];
                        message.rows.push($root.query.Row.decode(reader, reader.size(), $undefined, _depth + 1));
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

        return QueryResult;
    })();

    query.Value = (function() {

        /**
         * Properties of a Value.
         * @typedef {Object} query.Value.$Properties
         * @property {query.Type|null} [type] Value type
         * @property {Uint8Array|null} [value] Value value
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of a Value.
         * @memberof query
         * @interface IValue
         * @augments query.Value.$Properties
         * @deprecated Use query.Value.$Properties instead.
         */

        /**
         * Shape of a Value.
         * @typedef {query.Value.$Properties} query.Value.$Shape
         */

        /**
         * Constructs a new Value.
         * @memberof query
         * @classdesc Represents a Value.
         * @constructor
         * @param {query.Value.$Properties=} [properties] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        var Value = function (properties) {
            if (properties)
                for (var keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        };

        /**
         * Value type.
         * @member {query.Type} type
         * @memberof query.Value
         * @instance
         */
        Value.prototype.type = 0;

        /**
         * Value value.
         * @member {Uint8Array} value
         * @memberof query.Value
         * @instance
         */
        Value.prototype.value = $util.newBuffer([]);

        /**
         * Encodes the specified Value message. Does not implicitly {@link query.Value.verify|verify} messages.
         * @function encode
         * @memberof query.Value
         * @static
         * @param {query.Value.$Properties} message Value message or plain object to encode
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
            if (message.type != null && $Object.hasOwnProperty.call(message, "type") && message.type !== 0)
                writer.uint32(/* id 1, wireType 0 =*/8).int32(message.type);
            if (message.value != null && $Object.hasOwnProperty.call(message, "value") && message.value.length)
                writer.uint32(/* id 2, wireType 2 =*/18).bytes(message.value);
            if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                for (var i = 0; i < message.$unknowns.length; ++i)
                    writer.raw(message.$unknowns[i]);
            return writer;
        };

        /**
         * Decodes a Value message from the specified reader or buffer.
         * @function decode
         * @memberof query.Value
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {query.Value & query.Value.$Shape} Value
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
            message = _target || new $root.query.Value();
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
                            message.type = value;
                        else
                            delete message.type;
                        continue;
                    }
                case 2: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.bytes()).length)
                            message.value = value;
                        else
                            delete message.value;
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

    query.BindVariable = (function() {

        /**
         * Properties of a BindVariable.
         * @typedef {Object} query.BindVariable.$Properties
         * @property {query.Type|null} [type] BindVariable type
         * @property {Uint8Array|null} [value] BindVariable value
         * @property {Array.<query.Value.$Properties>|null} [values] BindVariable values
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of a BindVariable.
         * @memberof query
         * @interface IBindVariable
         * @augments query.BindVariable.$Properties
         * @deprecated Use query.BindVariable.$Properties instead.
         */

        /**
         * Shape of a BindVariable.
         * @typedef {query.BindVariable.$Properties} query.BindVariable.$Shape
         */

        /**
         * Constructs a new BindVariable.
         * @memberof query
         * @classdesc Represents a BindVariable.
         * @constructor
         * @param {query.BindVariable.$Properties=} [properties] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        var BindVariable = function (properties) {
            this.values = [];
            if (properties)
                for (var keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        };

        /**
         * BindVariable type.
         * @member {query.Type} type
         * @memberof query.BindVariable
         * @instance
         */
        BindVariable.prototype.type = 0;

        /**
         * BindVariable value.
         * @member {Uint8Array} value
         * @memberof query.BindVariable
         * @instance
         */
        BindVariable.prototype.value = $util.newBuffer([]);

        /**
         * BindVariable values.
         * @member {Array.<query.Value.$Properties>} values
         * @memberof query.BindVariable
         * @instance
         */
        BindVariable.prototype.values = $util.emptyArray;

        /**
         * Encodes the specified BindVariable message. Does not implicitly {@link query.BindVariable.verify|verify} messages.
         * @function encode
         * @memberof query.BindVariable
         * @static
         * @param {query.BindVariable.$Properties} message BindVariable message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        BindVariable.encode = function (message, writer, _depth) {
            if (!writer)
                writer = $Writer.create();
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (message.type != null && $Object.hasOwnProperty.call(message, "type") && message.type !== 0)
                writer.uint32(/* id 1, wireType 0 =*/8).int32(message.type);
            if (message.value != null && $Object.hasOwnProperty.call(message, "value") && message.value.length)
                writer.uint32(/* id 2, wireType 2 =*/18).bytes(message.value);
            if (message.values != null && message.values.length)
                for (var i = 0; i < message.values.length; ++i)
                    $root.query.Value.encode(message.values[i], writer.uint32(/* id 3, wireType 2 =*/26).fork(), _depth + 1).ldelim();
            if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                for (var i = 0; i < message.$unknowns.length; ++i)
                    writer.raw(message.$unknowns[i]);
            return writer;
        };

        /**
         * Decodes a BindVariable message from the specified reader or buffer.
         * @function decode
         * @memberof query.BindVariable
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {query.BindVariable & query.BindVariable.$Shape} BindVariable
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        BindVariable.decode = function (reader, length, _end, _depth, _target) {
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
            message = _target || new $root.query.BindVariable();
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
                            message.type = value;
                        else
                            delete message.type;
                        continue;
                    }
                case 2: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.bytes()).length)
                            message.value = value;
                        else
                            delete message.value;
                        continue;
                    }
                case 3: {
                        if (wireType !== 2)
                            break;
                        if (!(message.values && message.values.length))
                            message.values = [];
                        message.values.push($root.query.Value.decode(reader, reader.size(), $undefined, _depth + 1));
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

        return BindVariable;
    })();

    query.BoundQuery = (function() {

        /**
         * Properties of a BoundQuery.
         * @typedef {Object} query.BoundQuery.$Properties
         * @property {string|null} [sql] BoundQuery sql
         * @property {Object.<string,query.BindVariable.$Properties>|null} [bindVariables] BoundQuery bindVariables
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of a BoundQuery.
         * @memberof query
         * @interface IBoundQuery
         * @augments query.BoundQuery.$Properties
         * @deprecated Use query.BoundQuery.$Properties instead.
         */

        /**
         * Shape of a BoundQuery.
         * @typedef {query.BoundQuery.$Properties} query.BoundQuery.$Shape
         */

        /**
         * Constructs a new BoundQuery.
         * @memberof query
         * @classdesc Represents a BoundQuery.
         * @constructor
         * @param {query.BoundQuery.$Properties=} [properties] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        var BoundQuery = function (properties) {
            this.bindVariables = {};
            if (properties)
                for (var keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        };

        /**
         * BoundQuery sql.
         * @member {string} sql
         * @memberof query.BoundQuery
         * @instance
         */
        BoundQuery.prototype.sql = "";

        /**
         * BoundQuery bindVariables.
         * @member {Object.<string,query.BindVariable.$Properties>} bindVariables
         * @memberof query.BoundQuery
         * @instance
         */
        BoundQuery.prototype.bindVariables = $util.emptyObject;

        /**
         * Encodes the specified BoundQuery message. Does not implicitly {@link query.BoundQuery.verify|verify} messages.
         * @function encode
         * @memberof query.BoundQuery
         * @static
         * @param {query.BoundQuery.$Properties} message BoundQuery message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        BoundQuery.encode = function (message, writer, _depth) {
            if (!writer)
                writer = $Writer.create();
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (message.sql != null && $Object.hasOwnProperty.call(message, "sql") && message.sql !== "")
                writer.uint32(/* id 1, wireType 2 =*/10).string(message.sql);
            if (message.bindVariables != null && $Object.hasOwnProperty.call(message, "bindVariables"))
                for (var keys = $Object.keys(message.bindVariables), i = 0; i < keys.length; ++i) {
                    writer.uint32(/* id 2, wireType 2 =*/18).fork().uint32(/* id 1, wireType 2 =*/10).string(keys[i]);
                    $root.query.BindVariable.encode(message.bindVariables[keys[i]], writer.uint32(/* id 2, wireType 2 =*/18).fork(), _depth + 1).ldelim().ldelim();
                }
            if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                for (var i = 0; i < message.$unknowns.length; ++i)
                    writer.raw(message.$unknowns[i]);
            return writer;
        };

        /**
         * Decodes a BoundQuery message from the specified reader or buffer.
         * @function decode
         * @memberof query.BoundQuery
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {query.BoundQuery & query.BoundQuery.$Shape} BoundQuery
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        BoundQuery.decode = function (reader, length, _end, _depth, _target) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $Reader.recursionLimit)
                throw $Error("max depth exceeded");
            var end, message, key, value;
            if (length === $undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw $RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = _target || new $root.query.BoundQuery();
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
                            message.sql = value;
                        else
                            delete message.sql;
                        continue;
                    }
                case 2: {
                        if (wireType !== 2)
                            break;
                        if (message.bindVariables === $util.emptyObject)
                            message.bindVariables = {};
                        var end2 = reader.size() + reader.pos;
                        if (end2 > reader.len)
                            throw $RangeError("index out of range");
                        reader.len = end2;
                        key = "";
                        value = null;
                        while (reader.pos < end2) {
                            var tag2 = reader.tag();
                            wireType = tag2 & 7;
                            switch (tag2 >>>= 3) {
                            case 1:
                                if (wireType !== 2)
                                    break;
                                key = reader.stringVerify();
                                continue;
                            case 2:
                                if (wireType !== 2)
                                    break;
                                value = $root.query.BindVariable.decode(reader, reader.size(), $undefined, _depth + 1, value);
                                continue;
                            }
                            reader.skipType(wireType, _depth, tag2);
                        }
                        if (reader.pos !== end2)
                            throw $RangeError("index out of range");
                        reader.len = end;
                        if (key === "__proto__")
                            $util.makeProp(message.bindVariables, key);
                        message.bindVariables[key] = value || new $root.query.BindVariable();
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

        return BoundQuery;
    })();

    query.ExecuteOptions = (function() {

        /**
         * Properties of an ExecuteOptions.
         * @typedef {Object} query.ExecuteOptions.$Properties
         * @property {query.ExecuteOptions.IncludedFields|null} [includedFields] ExecuteOptions includedFields
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of an ExecuteOptions.
         * @memberof query
         * @interface IExecuteOptions
         * @augments query.ExecuteOptions.$Properties
         * @deprecated Use query.ExecuteOptions.$Properties instead.
         */

        /**
         * Shape of an ExecuteOptions.
         * @typedef {query.ExecuteOptions.$Properties} query.ExecuteOptions.$Shape
         */

        /**
         * Constructs a new ExecuteOptions.
         * @memberof query
         * @classdesc Represents an ExecuteOptions.
         * @constructor
         * @param {query.ExecuteOptions.$Properties=} [properties] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        var ExecuteOptions = function (properties) {
            if (properties)
                for (var keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        };

        /**
         * ExecuteOptions includedFields.
         * @member {query.ExecuteOptions.IncludedFields} includedFields
         * @memberof query.ExecuteOptions
         * @instance
         */
        ExecuteOptions.prototype.includedFields = 0;

        /**
         * Encodes the specified ExecuteOptions message. Does not implicitly {@link query.ExecuteOptions.verify|verify} messages.
         * @function encode
         * @memberof query.ExecuteOptions
         * @static
         * @param {query.ExecuteOptions.$Properties} message ExecuteOptions message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        ExecuteOptions.encode = function (message, writer, _depth) {
            if (!writer)
                writer = $Writer.create();
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (message.includedFields != null && $Object.hasOwnProperty.call(message, "includedFields") && message.includedFields !== 0)
                writer.uint32(/* id 4, wireType 0 =*/32).int32(message.includedFields);
            if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                for (var i = 0; i < message.$unknowns.length; ++i)
                    writer.raw(message.$unknowns[i]);
            return writer;
        };

        /**
         * Decodes an ExecuteOptions message from the specified reader or buffer.
         * @function decode
         * @memberof query.ExecuteOptions
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {query.ExecuteOptions & query.ExecuteOptions.$Shape} ExecuteOptions
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        ExecuteOptions.decode = function (reader, length, _end, _depth, _target) {
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
            message = _target || new $root.query.ExecuteOptions();
            while (reader.pos < end) {
                var start = reader.pos;
                var tag = reader.tag();
                if (tag === _end) {
                    _end = $undefined;
                    break;
                }
                var wireType = tag & 7;
                switch (tag >>>= 3) {
                case 4: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.int32())
                            message.includedFields = value;
                        else
                            delete message.includedFields;
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

        /**
         * IncludedFields enum.
         * @name query.ExecuteOptions.IncludedFields
         * @enum {number}
         * @property {number} TYPE_AND_NAME=0 TYPE_AND_NAME value
         * @property {number} TYPE_ONLY=1 TYPE_ONLY value
         * @property {number} ALL=2 ALL value
         */
        ExecuteOptions.IncludedFields = (function() {
            var valuesById = $Object.create(null), values = $Object.create(valuesById);
            values[valuesById[0] = "TYPE_AND_NAME"] = 0;
            values[valuesById[1] = "TYPE_ONLY"] = 1;
            values[valuesById[2] = "ALL"] = 2;
            return values;
        })();

        return ExecuteOptions;
    })();

    return query;
})();

$root.binlogdata = (function() {

    /**
     * Namespace binlogdata.
     * @exports binlogdata
     * @namespace
     */
    var binlogdata = {};

    binlogdata.TableLastPK = (function() {

        /**
         * Properties of a TableLastPK.
         * @typedef {Object} binlogdata.TableLastPK.$Properties
         * @property {string|null} [tableName] TableLastPK tableName
         * @property {query.QueryResult.$Properties|null} [lastpk] TableLastPK lastpk
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of a TableLastPK.
         * @memberof binlogdata
         * @interface ITableLastPK
         * @augments binlogdata.TableLastPK.$Properties
         * @deprecated Use binlogdata.TableLastPK.$Properties instead.
         */

        /**
         * Shape of a TableLastPK.
         * @typedef {binlogdata.TableLastPK.$Properties} binlogdata.TableLastPK.$Shape
         */

        /**
         * Constructs a new TableLastPK.
         * @memberof binlogdata
         * @classdesc Represents a TableLastPK.
         * @constructor
         * @param {binlogdata.TableLastPK.$Properties=} [properties] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        var TableLastPK = function (properties) {
            if (properties)
                for (var keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        };

        /**
         * TableLastPK tableName.
         * @member {string} tableName
         * @memberof binlogdata.TableLastPK
         * @instance
         */
        TableLastPK.prototype.tableName = "";

        /**
         * TableLastPK lastpk.
         * @member {query.QueryResult.$Properties|null|undefined} lastpk
         * @memberof binlogdata.TableLastPK
         * @instance
         */
        TableLastPK.prototype.lastpk = null;

        /**
         * Encodes the specified TableLastPK message. Does not implicitly {@link binlogdata.TableLastPK.verify|verify} messages.
         * @function encode
         * @memberof binlogdata.TableLastPK
         * @static
         * @param {binlogdata.TableLastPK.$Properties} message TableLastPK message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        TableLastPK.encode = function (message, writer, _depth) {
            if (!writer)
                writer = $Writer.create();
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (message.tableName != null && $Object.hasOwnProperty.call(message, "tableName") && message.tableName !== "")
                writer.uint32(/* id 1, wireType 2 =*/10).string(message.tableName);
            if (message.lastpk != null && $Object.hasOwnProperty.call(message, "lastpk"))
                $root.query.QueryResult.encode(message.lastpk, writer.uint32(/* id 3, wireType 2 =*/26).fork(), _depth + 1).ldelim();
            if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                for (var i = 0; i < message.$unknowns.length; ++i)
                    writer.raw(message.$unknowns[i]);
            return writer;
        };

        /**
         * Decodes a TableLastPK message from the specified reader or buffer.
         * @function decode
         * @memberof binlogdata.TableLastPK
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {binlogdata.TableLastPK & binlogdata.TableLastPK.$Shape} TableLastPK
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        TableLastPK.decode = function (reader, length, _end, _depth, _target) {
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
            message = _target || new $root.binlogdata.TableLastPK();
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
                            message.tableName = value;
                        else
                            delete message.tableName;
                        continue;
                    }
                case 3: {
                        if (wireType !== 2)
                            break;
                        message.lastpk = $root.query.QueryResult.decode(reader, reader.size(), $undefined, _depth + 1, message.lastpk);
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

        return TableLastPK;
    })();

    binlogdata.ShardGtid = (function() {

        /**
         * Properties of a ShardGtid.
         * @typedef {Object} binlogdata.ShardGtid.$Properties
         * @property {string|null} [keyspace] ShardGtid keyspace
         * @property {string|null} [shard] ShardGtid shard
         * @property {string|null} [gtid] ShardGtid gtid
         * @property {Array.<binlogdata.TableLastPK.$Properties>|null} [tablePKs] ShardGtid tablePKs
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of a ShardGtid.
         * @memberof binlogdata
         * @interface IShardGtid
         * @augments binlogdata.ShardGtid.$Properties
         * @deprecated Use binlogdata.ShardGtid.$Properties instead.
         */

        /**
         * Shape of a ShardGtid.
         * @typedef {binlogdata.ShardGtid.$Properties} binlogdata.ShardGtid.$Shape
         */

        /**
         * Constructs a new ShardGtid.
         * @memberof binlogdata
         * @classdesc Represents a ShardGtid.
         * @constructor
         * @param {binlogdata.ShardGtid.$Properties=} [properties] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        var ShardGtid = function (properties) {
            this.tablePKs = [];
            if (properties)
                for (var keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        };

        /**
         * ShardGtid keyspace.
         * @member {string} keyspace
         * @memberof binlogdata.ShardGtid
         * @instance
         */
        ShardGtid.prototype.keyspace = "";

        /**
         * ShardGtid shard.
         * @member {string} shard
         * @memberof binlogdata.ShardGtid
         * @instance
         */
        ShardGtid.prototype.shard = "";

        /**
         * ShardGtid gtid.
         * @member {string} gtid
         * @memberof binlogdata.ShardGtid
         * @instance
         */
        ShardGtid.prototype.gtid = "";

        /**
         * ShardGtid tablePKs.
         * @member {Array.<binlogdata.TableLastPK.$Properties>} tablePKs
         * @memberof binlogdata.ShardGtid
         * @instance
         */
        ShardGtid.prototype.tablePKs = $util.emptyArray;

        /**
         * Encodes the specified ShardGtid message. Does not implicitly {@link binlogdata.ShardGtid.verify|verify} messages.
         * @function encode
         * @memberof binlogdata.ShardGtid
         * @static
         * @param {binlogdata.ShardGtid.$Properties} message ShardGtid message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        ShardGtid.encode = function (message, writer, _depth) {
            if (!writer)
                writer = $Writer.create();
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (message.keyspace != null && $Object.hasOwnProperty.call(message, "keyspace") && message.keyspace !== "")
                writer.uint32(/* id 1, wireType 2 =*/10).string(message.keyspace);
            if (message.shard != null && $Object.hasOwnProperty.call(message, "shard") && message.shard !== "")
                writer.uint32(/* id 2, wireType 2 =*/18).string(message.shard);
            if (message.gtid != null && $Object.hasOwnProperty.call(message, "gtid") && message.gtid !== "")
                writer.uint32(/* id 3, wireType 2 =*/26).string(message.gtid);
            if (message.tablePKs != null && message.tablePKs.length)
                for (var i = 0; i < message.tablePKs.length; ++i)
                    $root.binlogdata.TableLastPK.encode(message.tablePKs[i], writer.uint32(/* id 4, wireType 2 =*/34).fork(), _depth + 1).ldelim();
            if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                for (var i = 0; i < message.$unknowns.length; ++i)
                    writer.raw(message.$unknowns[i]);
            return writer;
        };

        /**
         * Decodes a ShardGtid message from the specified reader or buffer.
         * @function decode
         * @memberof binlogdata.ShardGtid
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {binlogdata.ShardGtid & binlogdata.ShardGtid.$Shape} ShardGtid
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        ShardGtid.decode = function (reader, length, _end, _depth, _target) {
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
            message = _target || new $root.binlogdata.ShardGtid();
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
                            message.keyspace = value;
                        else
                            delete message.keyspace;
                        continue;
                    }
                case 2: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.stringVerify()).length)
                            message.shard = value;
                        else
                            delete message.shard;
                        continue;
                    }
                case 3: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.stringVerify()).length)
                            message.gtid = value;
                        else
                            delete message.gtid;
                        continue;
                    }
                case 4: {
                        if (wireType !== 2)
                            break;
                        if (!(message.tablePKs && message.tablePKs.length))
                            message.tablePKs = [];
                        message.tablePKs.push($root.binlogdata.TableLastPK.decode(reader, reader.size(), $undefined, _depth + 1));
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

        return ShardGtid;
    })();

    binlogdata.VGtid = (function() {

        /**
         * Properties of a VGtid.
         * @typedef {Object} binlogdata.VGtid.$Properties
         * @property {Array.<binlogdata.ShardGtid.$Properties>|null} [shardGtids] VGtid shardGtids
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of a VGtid.
         * @memberof binlogdata
         * @interface IVGtid
         * @augments binlogdata.VGtid.$Properties
         * @deprecated Use binlogdata.VGtid.$Properties instead.
         */

        /**
         * Shape of a VGtid.
         * @typedef {binlogdata.VGtid.$Properties} binlogdata.VGtid.$Shape
         */

        /**
         * Constructs a new VGtid.
         * @memberof binlogdata
         * @classdesc Represents a VGtid.
         * @constructor
         * @param {binlogdata.VGtid.$Properties=} [properties] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        var VGtid = function (properties) {
            this.shardGtids = [];
            if (properties)
                for (var keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        };

        /**
         * VGtid shardGtids.
         * @member {Array.<binlogdata.ShardGtid.$Properties>} shardGtids
         * @memberof binlogdata.VGtid
         * @instance
         */
        VGtid.prototype.shardGtids = $util.emptyArray;

        /**
         * Encodes the specified VGtid message. Does not implicitly {@link binlogdata.VGtid.verify|verify} messages.
         * @function encode
         * @memberof binlogdata.VGtid
         * @static
         * @param {binlogdata.VGtid.$Properties} message VGtid message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        VGtid.encode = function (message, writer, _depth) {
            if (!writer)
                writer = $Writer.create();
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (message.shardGtids != null && message.shardGtids.length)
                for (var i = 0; i < message.shardGtids.length; ++i)
                    $root.binlogdata.ShardGtid.encode(message.shardGtids[i], writer.uint32(/* id 1, wireType 2 =*/10).fork(), _depth + 1).ldelim();
            if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                for (var i = 0; i < message.$unknowns.length; ++i)
                    writer.raw(message.$unknowns[i]);
            return writer;
        };

        /**
         * Decodes a VGtid message from the specified reader or buffer.
         * @function decode
         * @memberof binlogdata.VGtid
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {binlogdata.VGtid & binlogdata.VGtid.$Shape} VGtid
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        VGtid.decode = function (reader, length, _end, _depth, _target) {
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
            message = _target || new $root.binlogdata.VGtid();
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
                        if (!(message.shardGtids && message.shardGtids.length))
                            message.shardGtids = [];
                        message.shardGtids.push($root.binlogdata.ShardGtid.decode(reader, reader.size(), $undefined, _depth + 1));
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

        return VGtid;
    })();

    binlogdata.KeyspaceShard = (function() {

        /**
         * Properties of a KeyspaceShard.
         * @typedef {Object} binlogdata.KeyspaceShard.$Properties
         * @property {string|null} [keyspace] KeyspaceShard keyspace
         * @property {string|null} [shard] KeyspaceShard shard
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of a KeyspaceShard.
         * @memberof binlogdata
         * @interface IKeyspaceShard
         * @augments binlogdata.KeyspaceShard.$Properties
         * @deprecated Use binlogdata.KeyspaceShard.$Properties instead.
         */

        /**
         * Shape of a KeyspaceShard.
         * @typedef {binlogdata.KeyspaceShard.$Properties} binlogdata.KeyspaceShard.$Shape
         */

        /**
         * Constructs a new KeyspaceShard.
         * @memberof binlogdata
         * @classdesc Represents a KeyspaceShard.
         * @constructor
         * @param {binlogdata.KeyspaceShard.$Properties=} [properties] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        var KeyspaceShard = function (properties) {
            if (properties)
                for (var keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        };

        /**
         * KeyspaceShard keyspace.
         * @member {string} keyspace
         * @memberof binlogdata.KeyspaceShard
         * @instance
         */
        KeyspaceShard.prototype.keyspace = "";

        /**
         * KeyspaceShard shard.
         * @member {string} shard
         * @memberof binlogdata.KeyspaceShard
         * @instance
         */
        KeyspaceShard.prototype.shard = "";

        /**
         * Encodes the specified KeyspaceShard message. Does not implicitly {@link binlogdata.KeyspaceShard.verify|verify} messages.
         * @function encode
         * @memberof binlogdata.KeyspaceShard
         * @static
         * @param {binlogdata.KeyspaceShard.$Properties} message KeyspaceShard message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        KeyspaceShard.encode = function (message, writer, _depth) {
            if (!writer)
                writer = $Writer.create();
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (message.keyspace != null && $Object.hasOwnProperty.call(message, "keyspace") && message.keyspace !== "")
                writer.uint32(/* id 1, wireType 2 =*/10).string(message.keyspace);
            if (message.shard != null && $Object.hasOwnProperty.call(message, "shard") && message.shard !== "")
                writer.uint32(/* id 2, wireType 2 =*/18).string(message.shard);
            if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                for (var i = 0; i < message.$unknowns.length; ++i)
                    writer.raw(message.$unknowns[i]);
            return writer;
        };

        /**
         * Decodes a KeyspaceShard message from the specified reader or buffer.
         * @function decode
         * @memberof binlogdata.KeyspaceShard
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {binlogdata.KeyspaceShard & binlogdata.KeyspaceShard.$Shape} KeyspaceShard
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        KeyspaceShard.decode = function (reader, length, _end, _depth, _target) {
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
            message = _target || new $root.binlogdata.KeyspaceShard();
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
                            message.keyspace = value;
                        else
                            delete message.keyspace;
                        continue;
                    }
                case 2: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.stringVerify()).length)
                            message.shard = value;
                        else
                            delete message.shard;
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

        return KeyspaceShard;
    })();

    /**
     * MigrationType enum.
     * @name binlogdata.MigrationType
     * @enum {number}
     * @property {number} TABLES=0 TABLES value
     * @property {number} SHARDS=1 SHARDS value
     */
    binlogdata.MigrationType = (function() {
        var valuesById = $Object.create(null), values = $Object.create(valuesById);
        values[valuesById[0] = "TABLES"] = 0;
        values[valuesById[1] = "SHARDS"] = 1;
        return values;
    })();

    binlogdata.Journal = (function() {

        /**
         * Properties of a Journal.
         * @typedef {Object} binlogdata.Journal.$Properties
         * @property {Long|null} [id] Journal id
         * @property {binlogdata.MigrationType|null} [migrationType] Journal migrationType
         * @property {Array.<string>|null} [tables] Journal tables
         * @property {string|null} [localPosition] Journal localPosition
         * @property {Array.<binlogdata.ShardGtid.$Properties>|null} [shardGtids] Journal shardGtids
         * @property {Array.<binlogdata.KeyspaceShard.$Properties>|null} [participants] Journal participants
         * @property {Array.<string>|null} [sourceWorkflows] Journal sourceWorkflows
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of a Journal.
         * @memberof binlogdata
         * @interface IJournal
         * @augments binlogdata.Journal.$Properties
         * @deprecated Use binlogdata.Journal.$Properties instead.
         */

        /**
         * Shape of a Journal.
         * @typedef {binlogdata.Journal.$Properties} binlogdata.Journal.$Shape
         */

        /**
         * Constructs a new Journal.
         * @memberof binlogdata
         * @classdesc Represents a Journal.
         * @constructor
         * @param {binlogdata.Journal.$Properties=} [properties] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        var Journal = function (properties) {
            this.tables = [];
            this.shardGtids = [];
            this.participants = [];
            this.sourceWorkflows = [];
            if (properties)
                for (var keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        };

        /**
         * Journal id.
         * @member {Long} id
         * @memberof binlogdata.Journal
         * @instance
         */
        Journal.prototype.id = $util.Long ? $util.Long.fromBits(0,0,false) : 0;

        /**
         * Journal migrationType.
         * @member {binlogdata.MigrationType} migrationType
         * @memberof binlogdata.Journal
         * @instance
         */
        Journal.prototype.migrationType = 0;

        /**
         * Journal tables.
         * @member {Array.<string>} tables
         * @memberof binlogdata.Journal
         * @instance
         */
        Journal.prototype.tables = $util.emptyArray;

        /**
         * Journal localPosition.
         * @member {string} localPosition
         * @memberof binlogdata.Journal
         * @instance
         */
        Journal.prototype.localPosition = "";

        /**
         * Journal shardGtids.
         * @member {Array.<binlogdata.ShardGtid.$Properties>} shardGtids
         * @memberof binlogdata.Journal
         * @instance
         */
        Journal.prototype.shardGtids = $util.emptyArray;

        /**
         * Journal participants.
         * @member {Array.<binlogdata.KeyspaceShard.$Properties>} participants
         * @memberof binlogdata.Journal
         * @instance
         */
        Journal.prototype.participants = $util.emptyArray;

        /**
         * Journal sourceWorkflows.
         * @member {Array.<string>} sourceWorkflows
         * @memberof binlogdata.Journal
         * @instance
         */
        Journal.prototype.sourceWorkflows = $util.emptyArray;

        /**
         * Encodes the specified Journal message. Does not implicitly {@link binlogdata.Journal.verify|verify} messages.
         * @function encode
         * @memberof binlogdata.Journal
         * @static
         * @param {binlogdata.Journal.$Properties} message Journal message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        Journal.encode = function (message, writer, _depth) {
            if (!writer)
                writer = $Writer.create();
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (message.id != null && $Object.hasOwnProperty.call(message, "id") && (typeof message.id === "object" ? message.id.low || message.id.high : message.id !== 0))
                writer.uint32(/* id 1, wireType 0 =*/8).int64(message.id);
            if (message.migrationType != null && $Object.hasOwnProperty.call(message, "migrationType") && message.migrationType !== 0)
                writer.uint32(/* id 2, wireType 0 =*/16).int32(message.migrationType);
            if (message.tables != null && message.tables.length)
                for (var i = 0; i < message.tables.length; ++i)
                    writer.uint32(/* id 3, wireType 2 =*/26).string(message.tables[i]);
            if (message.localPosition != null && $Object.hasOwnProperty.call(message, "localPosition") && message.localPosition !== "")
                writer.uint32(/* id 4, wireType 2 =*/34).string(message.localPosition);
            if (message.shardGtids != null && message.shardGtids.length)
                for (var i = 0; i < message.shardGtids.length; ++i)
                    $root.binlogdata.ShardGtid.encode(message.shardGtids[i], writer.uint32(/* id 5, wireType 2 =*/42).fork(), _depth + 1).ldelim();
            if (message.participants != null && message.participants.length)
                for (var i = 0; i < message.participants.length; ++i)
                    $root.binlogdata.KeyspaceShard.encode(message.participants[i], writer.uint32(/* id 6, wireType 2 =*/50).fork(), _depth + 1).ldelim();
            if (message.sourceWorkflows != null && message.sourceWorkflows.length)
                for (var i = 0; i < message.sourceWorkflows.length; ++i)
                    writer.uint32(/* id 7, wireType 2 =*/58).string(message.sourceWorkflows[i]);
            if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                for (var i = 0; i < message.$unknowns.length; ++i)
                    writer.raw(message.$unknowns[i]);
            return writer;
        };

        /**
         * Decodes a Journal message from the specified reader or buffer.
         * @function decode
         * @memberof binlogdata.Journal
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {binlogdata.Journal & binlogdata.Journal.$Shape} Journal
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        Journal.decode = function (reader, length, _end, _depth, _target) {
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
            message = _target || new $root.binlogdata.Journal();
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
                        if (typeof (value = reader.int64()) === "object" ? value.low || value.high : value !== 0)
                            message.id = value;
                        else
                            delete message.id;
                        continue;
                    }
                case 2: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.int32())
                            message.migrationType = value;
                        else
                            delete message.migrationType;
                        continue;
                    }
                case 3: {
                        if (wireType !== 2)
                            break;
                        if (!(message.tables && message.tables.length))
                            message.tables = [];
                        message.tables.push(reader.stringVerify());
                        continue;
                    }
                case 4: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.stringVerify()).length)
                            message.localPosition = value;
                        else
                            delete message.localPosition;
                        continue;
                    }
                case 5: {
                        if (wireType !== 2)
                            break;
                        if (!(message.shardGtids && message.shardGtids.length))
                            message.shardGtids = [];
                        message.shardGtids.push($root.binlogdata.ShardGtid.decode(reader, reader.size(), $undefined, _depth + 1));
                        continue;
                    }
                case 6: {
                        if (wireType !== 2)
                            break;
                        if (!(message.participants && message.participants.length))
                            message.participants = [];
                        message.participants.push($root.binlogdata.KeyspaceShard.decode(reader, reader.size(), $undefined, _depth + 1));
                        continue;
                    }
                case 7: {
                        if (wireType !== 2)
                            break;
                        if (!(message.sourceWorkflows && message.sourceWorkflows.length))
                            message.sourceWorkflows = [];
                        message.sourceWorkflows.push(reader.stringVerify());
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

        return Journal;
    })();

    binlogdata.Rule = (function() {

        /**
         * Properties of a Rule.
         * @typedef {Object} binlogdata.Rule.$Properties
         * @property {string|null} [match] Rule match
         * @property {string|null} [filter] Rule filter
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of a Rule.
         * @memberof binlogdata
         * @interface IRule
         * @augments binlogdata.Rule.$Properties
         * @deprecated Use binlogdata.Rule.$Properties instead.
         */

        /**
         * Shape of a Rule.
         * @typedef {binlogdata.Rule.$Properties} binlogdata.Rule.$Shape
         */

        /**
         * Constructs a new Rule.
         * @memberof binlogdata
         * @classdesc Represents a Rule.
         * @constructor
         * @param {binlogdata.Rule.$Properties=} [properties] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        var Rule = function (properties) {
            if (properties)
                for (var keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        };

        /**
         * Rule match.
         * @member {string} match
         * @memberof binlogdata.Rule
         * @instance
         */
        Rule.prototype.match = "";

        /**
         * Rule filter.
         * @member {string} filter
         * @memberof binlogdata.Rule
         * @instance
         */
        Rule.prototype.filter = "";

        /**
         * Encodes the specified Rule message. Does not implicitly {@link binlogdata.Rule.verify|verify} messages.
         * @function encode
         * @memberof binlogdata.Rule
         * @static
         * @param {binlogdata.Rule.$Properties} message Rule message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        Rule.encode = function (message, writer, _depth) {
            if (!writer)
                writer = $Writer.create();
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (message.match != null && $Object.hasOwnProperty.call(message, "match") && message.match !== "")
                writer.uint32(/* id 1, wireType 2 =*/10).string(message.match);
            if (message.filter != null && $Object.hasOwnProperty.call(message, "filter") && message.filter !== "")
                writer.uint32(/* id 2, wireType 2 =*/18).string(message.filter);
            if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                for (var i = 0; i < message.$unknowns.length; ++i)
                    writer.raw(message.$unknowns[i]);
            return writer;
        };

        /**
         * Decodes a Rule message from the specified reader or buffer.
         * @function decode
         * @memberof binlogdata.Rule
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {binlogdata.Rule & binlogdata.Rule.$Shape} Rule
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        Rule.decode = function (reader, length, _end, _depth, _target) {
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
            message = _target || new $root.binlogdata.Rule();
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
                            message.match = value;
                        else
                            delete message.match;
                        continue;
                    }
                case 2: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.stringVerify()).length)
                            message.filter = value;
                        else
                            delete message.filter;
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

        return Rule;
    })();

    binlogdata.Filter = (function() {

        /**
         * Properties of a Filter.
         * @typedef {Object} binlogdata.Filter.$Properties
         * @property {Array.<binlogdata.Rule.$Properties>|null} [rules] Filter rules
         * @property {binlogdata.Filter.FieldEventMode|null} [fieldEventMode] Filter fieldEventMode
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of a Filter.
         * @memberof binlogdata
         * @interface IFilter
         * @augments binlogdata.Filter.$Properties
         * @deprecated Use binlogdata.Filter.$Properties instead.
         */

        /**
         * Shape of a Filter.
         * @typedef {binlogdata.Filter.$Properties} binlogdata.Filter.$Shape
         */

        /**
         * Constructs a new Filter.
         * @memberof binlogdata
         * @classdesc Represents a Filter.
         * @constructor
         * @param {binlogdata.Filter.$Properties=} [properties] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        var Filter = function (properties) {
            this.rules = [];
            if (properties)
                for (var keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        };

        /**
         * Filter rules.
         * @member {Array.<binlogdata.Rule.$Properties>} rules
         * @memberof binlogdata.Filter
         * @instance
         */
        Filter.prototype.rules = $util.emptyArray;

        /**
         * Filter fieldEventMode.
         * @member {binlogdata.Filter.FieldEventMode} fieldEventMode
         * @memberof binlogdata.Filter
         * @instance
         */
        Filter.prototype.fieldEventMode = 0;

        /**
         * Encodes the specified Filter message. Does not implicitly {@link binlogdata.Filter.verify|verify} messages.
         * @function encode
         * @memberof binlogdata.Filter
         * @static
         * @param {binlogdata.Filter.$Properties} message Filter message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        Filter.encode = function (message, writer, _depth) {
            if (!writer)
                writer = $Writer.create();
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (message.rules != null && message.rules.length)
                for (var i = 0; i < message.rules.length; ++i)
                    $root.binlogdata.Rule.encode(message.rules[i], writer.uint32(/* id 1, wireType 2 =*/10).fork(), _depth + 1).ldelim();
            if (message.fieldEventMode != null && $Object.hasOwnProperty.call(message, "fieldEventMode") && message.fieldEventMode !== 0)
                writer.uint32(/* id 2, wireType 0 =*/16).int32(message.fieldEventMode);
            if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                for (var i = 0; i < message.$unknowns.length; ++i)
                    writer.raw(message.$unknowns[i]);
            return writer;
        };

        /**
         * Decodes a Filter message from the specified reader or buffer.
         * @function decode
         * @memberof binlogdata.Filter
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {binlogdata.Filter & binlogdata.Filter.$Shape} Filter
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        Filter.decode = function (reader, length, _end, _depth, _target) {
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
            message = _target || new $root.binlogdata.Filter();
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
                        if (!(message.rules && message.rules.length))
                            message.rules = [];
                        message.rules.push($root.binlogdata.Rule.decode(reader, reader.size(), $undefined, _depth + 1));
                        continue;
                    }
                case 2: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.int32())
                            message.fieldEventMode = value;
                        else
                            delete message.fieldEventMode;
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

        /**
         * FieldEventMode enum.
         * @name binlogdata.Filter.FieldEventMode
         * @enum {number}
         * @property {number} ERR_ON_MISMATCH=0 ERR_ON_MISMATCH value
         * @property {number} BEST_EFFORT=1 BEST_EFFORT value
         */
        Filter.FieldEventMode = (function() {
            var valuesById = $Object.create(null), values = $Object.create(valuesById);
            values[valuesById[0] = "ERR_ON_MISMATCH"] = 0;
            values[valuesById[1] = "BEST_EFFORT"] = 1;
            return values;
        })();

        return Filter;
    })();

    /**
     * VEventType enum.
     * @name binlogdata.VEventType
     * @enum {number}
     * @property {number} UNKNOWN=0 UNKNOWN value
     * @property {number} GTID=1 GTID value
     * @property {number} BEGIN=2 BEGIN value
     * @property {number} COMMIT=3 COMMIT value
     * @property {number} ROLLBACK=4 ROLLBACK value
     * @property {number} DDL=5 DDL value
     * @property {number} INSERT=6 INSERT value
     * @property {number} REPLACE=7 REPLACE value
     * @property {number} UPDATE=8 UPDATE value
     * @property {number} DELETE=9 DELETE value
     * @property {number} SET=10 SET value
     * @property {number} OTHER=11 OTHER value
     * @property {number} ROW=12 ROW value
     * @property {number} FIELD=13 FIELD value
     * @property {number} HEARTBEAT=14 HEARTBEAT value
     * @property {number} VGTID=15 VGTID value
     * @property {number} JOURNAL=16 JOURNAL value
     * @property {number} VERSION=17 VERSION value
     * @property {number} LASTPK=18 LASTPK value
     * @property {number} SAVEPOINT=19 SAVEPOINT value
     * @property {number} COPY_COMPLETED=20 COPY_COMPLETED value
     */
    binlogdata.VEventType = (function() {
        var valuesById = $Object.create(null), values = $Object.create(valuesById);
        values[valuesById[0] = "UNKNOWN"] = 0;
        values[valuesById[1] = "GTID"] = 1;
        values[valuesById[2] = "BEGIN"] = 2;
        values[valuesById[3] = "COMMIT"] = 3;
        values[valuesById[4] = "ROLLBACK"] = 4;
        values[valuesById[5] = "DDL"] = 5;
        values[valuesById[6] = "INSERT"] = 6;
        values[valuesById[7] = "REPLACE"] = 7;
        values[valuesById[8] = "UPDATE"] = 8;
        values[valuesById[9] = "DELETE"] = 9;
        values[valuesById[10] = "SET"] = 10;
        values[valuesById[11] = "OTHER"] = 11;
        values[valuesById[12] = "ROW"] = 12;
        values[valuesById[13] = "FIELD"] = 13;
        values[valuesById[14] = "HEARTBEAT"] = 14;
        values[valuesById[15] = "VGTID"] = 15;
        values[valuesById[16] = "JOURNAL"] = 16;
        values[valuesById[17] = "VERSION"] = 17;
        values[valuesById[18] = "LASTPK"] = 18;
        values[valuesById[19] = "SAVEPOINT"] = 19;
        values[valuesById[20] = "COPY_COMPLETED"] = 20;
        return values;
    })();

    binlogdata.RowChange = (function() {

        /**
         * Properties of a RowChange.
         * @typedef {Object} binlogdata.RowChange.$Properties
         * @property {query.Row.$Properties|null} [before] RowChange before
         * @property {query.Row.$Properties|null} [after] RowChange after
         * @property {binlogdata.RowChange.Bitmap.$Properties|null} [dataColumns] RowChange dataColumns
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of a RowChange.
         * @memberof binlogdata
         * @interface IRowChange
         * @augments binlogdata.RowChange.$Properties
         * @deprecated Use binlogdata.RowChange.$Properties instead.
         */

        /**
         * Shape of a RowChange.
         * @typedef {binlogdata.RowChange.$Properties} binlogdata.RowChange.$Shape
         */

        /**
         * Constructs a new RowChange.
         * @memberof binlogdata
         * @classdesc Represents a RowChange.
         * @constructor
         * @param {binlogdata.RowChange.$Properties=} [properties] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        var RowChange = function (properties) {
            if (properties)
                for (var keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        };

        /**
         * RowChange before.
         * @member {query.Row.$Properties|null|undefined} before
         * @memberof binlogdata.RowChange
         * @instance
         */
        RowChange.prototype.before = null;

        /**
         * RowChange after.
         * @member {query.Row.$Properties|null|undefined} after
         * @memberof binlogdata.RowChange
         * @instance
         */
        RowChange.prototype.after = null;

        /**
         * RowChange dataColumns.
         * @member {binlogdata.RowChange.Bitmap.$Properties|null|undefined} dataColumns
         * @memberof binlogdata.RowChange
         * @instance
         */
        RowChange.prototype.dataColumns = null;

        /**
         * Encodes the specified RowChange message. Does not implicitly {@link binlogdata.RowChange.verify|verify} messages.
         * @function encode
         * @memberof binlogdata.RowChange
         * @static
         * @param {binlogdata.RowChange.$Properties} message RowChange message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        RowChange.encode = function (message, writer, _depth) {
            if (!writer)
                writer = $Writer.create();
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (message.before != null && $Object.hasOwnProperty.call(message, "before"))
                $root.query.Row.encode(message.before, writer.uint32(/* id 1, wireType 2 =*/10).fork(), _depth + 1).ldelim();
            if (message.after != null && $Object.hasOwnProperty.call(message, "after"))
                $root.query.Row.encode(message.after, writer.uint32(/* id 2, wireType 2 =*/18).fork(), _depth + 1).ldelim();
            if (message.dataColumns != null && $Object.hasOwnProperty.call(message, "dataColumns"))
                $root.binlogdata.RowChange.Bitmap.encode(message.dataColumns, writer.uint32(/* id 3, wireType 2 =*/26).fork(), _depth + 1).ldelim();
            if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                for (var i = 0; i < message.$unknowns.length; ++i)
                    writer.raw(message.$unknowns[i]);
            return writer;
        };

        /**
         * Decodes a RowChange message from the specified reader or buffer.
         * @function decode
         * @memberof binlogdata.RowChange
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {binlogdata.RowChange & binlogdata.RowChange.$Shape} RowChange
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        RowChange.decode = function (reader, length, _end, _depth, _target) {
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
            message = _target || new $root.binlogdata.RowChange();
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
                        message.before = $root.query.Row.decode(reader, reader.size(), $undefined, _depth + 1, message.before);
                        continue;
                    }
                case 2: {
                        if (wireType !== 2)
                            break;
                        message.after = $root.query.Row.decode(reader, reader.size(), $undefined, _depth + 1, message.after);
                        continue;
                    }
                case 3: {
                        if (wireType !== 2)
                            break;
                        message.dataColumns = $root.binlogdata.RowChange.Bitmap.decode(reader, reader.size(), $undefined, _depth + 1, message.dataColumns);
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

        RowChange.Bitmap = (function() {

            /**
             * Properties of a Bitmap.
             * @typedef {Object} binlogdata.RowChange.Bitmap.$Properties
             * @property {Long|null} [count] Bitmap count
             * @property {Uint8Array|null} [cols] Bitmap cols
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a Bitmap.
             * @memberof binlogdata.RowChange
             * @interface IBitmap
             * @augments binlogdata.RowChange.Bitmap.$Properties
             * @deprecated Use binlogdata.RowChange.Bitmap.$Properties instead.
             */

            /**
             * Shape of a Bitmap.
             * @typedef {binlogdata.RowChange.Bitmap.$Properties} binlogdata.RowChange.Bitmap.$Shape
             */

            /**
             * Constructs a new Bitmap.
             * @memberof binlogdata.RowChange
             * @classdesc Represents a Bitmap.
             * @constructor
             * @param {binlogdata.RowChange.Bitmap.$Properties=} [properties] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            var Bitmap = function (properties) {
                if (properties)
                    for (var keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            };

            /**
             * Bitmap count.
             * @member {Long} count
             * @memberof binlogdata.RowChange.Bitmap
             * @instance
             */
            Bitmap.prototype.count = $util.Long ? $util.Long.fromBits(0,0,false) : 0;

            /**
             * Bitmap cols.
             * @member {Uint8Array} cols
             * @memberof binlogdata.RowChange.Bitmap
             * @instance
             */
            Bitmap.prototype.cols = $util.newBuffer([]);

            /**
             * Encodes the specified Bitmap message. Does not implicitly {@link binlogdata.RowChange.Bitmap.verify|verify} messages.
             * @function encode
             * @memberof binlogdata.RowChange.Bitmap
             * @static
             * @param {binlogdata.RowChange.Bitmap.$Properties} message Bitmap message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            Bitmap.encode = function (message, writer, _depth) {
                if (!writer)
                    writer = $Writer.create();
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (message.count != null && $Object.hasOwnProperty.call(message, "count") && (typeof message.count === "object" ? message.count.low || message.count.high : message.count !== 0))
                    writer.uint32(/* id 1, wireType 0 =*/8).int64(message.count);
                if (message.cols != null && $Object.hasOwnProperty.call(message, "cols") && message.cols.length)
                    writer.uint32(/* id 2, wireType 2 =*/18).bytes(message.cols);
                if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                    for (var i = 0; i < message.$unknowns.length; ++i)
                        writer.raw(message.$unknowns[i]);
                return writer;
            };

            /**
             * Decodes a Bitmap message from the specified reader or buffer.
             * @function decode
             * @memberof binlogdata.RowChange.Bitmap
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @param {number} [length] Message length if known beforehand
             * @returns {binlogdata.RowChange.Bitmap & binlogdata.RowChange.Bitmap.$Shape} Bitmap
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            Bitmap.decode = function (reader, length, _end, _depth, _target) {
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
                message = _target || new $root.binlogdata.RowChange.Bitmap();
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
                            if (typeof (value = reader.int64()) === "object" ? value.low || value.high : value !== 0)
                                message.count = value;
                            else
                                delete message.count;
                            continue;
                        }
                    case 2: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.bytes()).length)
                                message.cols = value;
                            else
                                delete message.cols;
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

            return Bitmap;
        })();

        return RowChange;
    })();

    binlogdata.RowEvent = (function() {

        /**
         * Properties of a RowEvent.
         * @typedef {Object} binlogdata.RowEvent.$Properties
         * @property {string|null} [tableName] RowEvent tableName
         * @property {Array.<binlogdata.RowChange.$Properties>|null} [rowChanges] RowEvent rowChanges
         * @property {string|null} [keyspace] RowEvent keyspace
         * @property {string|null} [shard] RowEvent shard
         * @property {number|null} [flags] RowEvent flags
         * @property {boolean|null} [isInternalTable] RowEvent isInternalTable
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of a RowEvent.
         * @memberof binlogdata
         * @interface IRowEvent
         * @augments binlogdata.RowEvent.$Properties
         * @deprecated Use binlogdata.RowEvent.$Properties instead.
         */

        /**
         * Shape of a RowEvent.
         * @typedef {binlogdata.RowEvent.$Properties} binlogdata.RowEvent.$Shape
         */

        /**
         * Constructs a new RowEvent.
         * @memberof binlogdata
         * @classdesc Represents a RowEvent.
         * @constructor
         * @param {binlogdata.RowEvent.$Properties=} [properties] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        var RowEvent = function (properties) {
            this.rowChanges = [];
            if (properties)
                for (var keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        };

        /**
         * RowEvent tableName.
         * @member {string} tableName
         * @memberof binlogdata.RowEvent
         * @instance
         */
        RowEvent.prototype.tableName = "";

        /**
         * RowEvent rowChanges.
         * @member {Array.<binlogdata.RowChange.$Properties>} rowChanges
         * @memberof binlogdata.RowEvent
         * @instance
         */
        RowEvent.prototype.rowChanges = $util.emptyArray;

        /**
         * RowEvent keyspace.
         * @member {string} keyspace
         * @memberof binlogdata.RowEvent
         * @instance
         */
        RowEvent.prototype.keyspace = "";

        /**
         * RowEvent shard.
         * @member {string} shard
         * @memberof binlogdata.RowEvent
         * @instance
         */
        RowEvent.prototype.shard = "";

        /**
         * RowEvent flags.
         * @member {number} flags
         * @memberof binlogdata.RowEvent
         * @instance
         */
        RowEvent.prototype.flags = 0;

        /**
         * RowEvent isInternalTable.
         * @member {boolean} isInternalTable
         * @memberof binlogdata.RowEvent
         * @instance
         */
        RowEvent.prototype.isInternalTable = false;

        /**
         * Encodes the specified RowEvent message. Does not implicitly {@link binlogdata.RowEvent.verify|verify} messages.
         * @function encode
         * @memberof binlogdata.RowEvent
         * @static
         * @param {binlogdata.RowEvent.$Properties} message RowEvent message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        RowEvent.encode = function (message, writer, _depth) {
            if (!writer)
                writer = $Writer.create();
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (message.tableName != null && $Object.hasOwnProperty.call(message, "tableName") && message.tableName !== "")
                writer.uint32(/* id 1, wireType 2 =*/10).string(message.tableName);
            if (message.rowChanges != null && message.rowChanges.length)
                for (var i = 0; i < message.rowChanges.length; ++i)
                    $root.binlogdata.RowChange.encode(message.rowChanges[i], writer.uint32(/* id 2, wireType 2 =*/18).fork(), _depth + 1).ldelim();
            if (message.keyspace != null && $Object.hasOwnProperty.call(message, "keyspace") && message.keyspace !== "")
                writer.uint32(/* id 3, wireType 2 =*/26).string(message.keyspace);
            if (message.shard != null && $Object.hasOwnProperty.call(message, "shard") && message.shard !== "")
                writer.uint32(/* id 4, wireType 2 =*/34).string(message.shard);
            if (message.flags != null && $Object.hasOwnProperty.call(message, "flags") && message.flags !== 0)
                writer.uint32(/* id 5, wireType 0 =*/40).uint32(message.flags);
            if (message.isInternalTable != null && $Object.hasOwnProperty.call(message, "isInternalTable") && message.isInternalTable !== false)
                writer.uint32(/* id 6, wireType 0 =*/48).bool(message.isInternalTable);
            if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                for (var i = 0; i < message.$unknowns.length; ++i)
                    writer.raw(message.$unknowns[i]);
            return writer;
        };

        /**
         * Decodes a RowEvent message from the specified reader or buffer.
         * @function decode
         * @memberof binlogdata.RowEvent
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {binlogdata.RowEvent & binlogdata.RowEvent.$Shape} RowEvent
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        RowEvent.decode = function (reader, length, _end, _depth, _target) {
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
            message = _target || new $root.binlogdata.RowEvent();
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
                            message.tableName = value;
                        else
                            delete message.tableName;
                        continue;
                    }
                case 2: {
                        if (wireType !== 2)
                            break;
                        if (!(message.rowChanges && message.rowChanges.length))
                            message.rowChanges = [];
                        message.rowChanges.push($root.binlogdata.RowChange.decode(reader, reader.size(), $undefined, _depth + 1));
                        continue;
                    }
                case 3: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.stringVerify()).length)
                            message.keyspace = value;
                        else
                            delete message.keyspace;
                        continue;
                    }
                case 4: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.stringVerify()).length)
                            message.shard = value;
                        else
                            delete message.shard;
                        continue;
                    }
                case 5: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.uint32())
                            message.flags = value;
                        else
                            delete message.flags;
                        continue;
                    }
                case 6: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.bool())
                            message.isInternalTable = value;
                        else
                            delete message.isInternalTable;
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

        return RowEvent;
    })();

    binlogdata.FieldEvent = (function() {

        /**
         * Properties of a FieldEvent.
         * @typedef {Object} binlogdata.FieldEvent.$Properties
         * @property {string|null} [tableName] FieldEvent tableName
         * @property {Array.<query.Field.$Properties>|null} [fields] FieldEvent fields
         * @property {string|null} [keyspace] FieldEvent keyspace
         * @property {string|null} [shard] FieldEvent shard
         * @property {boolean|null} [enumSetStringValues] FieldEvent enumSetStringValues
         * @property {boolean|null} [isInternalTable] FieldEvent isInternalTable
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of a FieldEvent.
         * @memberof binlogdata
         * @interface IFieldEvent
         * @augments binlogdata.FieldEvent.$Properties
         * @deprecated Use binlogdata.FieldEvent.$Properties instead.
         */

        /**
         * Shape of a FieldEvent.
         * @typedef {binlogdata.FieldEvent.$Properties} binlogdata.FieldEvent.$Shape
         */

        /**
         * Constructs a new FieldEvent.
         * @memberof binlogdata
         * @classdesc Represents a FieldEvent.
         * @constructor
         * @param {binlogdata.FieldEvent.$Properties=} [properties] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        var FieldEvent = function (properties) {
            this.fields = [];
            if (properties)
                for (var keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        };

        /**
         * FieldEvent tableName.
         * @member {string} tableName
         * @memberof binlogdata.FieldEvent
         * @instance
         */
        FieldEvent.prototype.tableName = "";

        /**
         * FieldEvent fields.
         * @member {Array.<query.Field.$Properties>} fields
         * @memberof binlogdata.FieldEvent
         * @instance
         */
        FieldEvent.prototype.fields = $util.emptyArray;

        /**
         * FieldEvent keyspace.
         * @member {string} keyspace
         * @memberof binlogdata.FieldEvent
         * @instance
         */
        FieldEvent.prototype.keyspace = "";

        /**
         * FieldEvent shard.
         * @member {string} shard
         * @memberof binlogdata.FieldEvent
         * @instance
         */
        FieldEvent.prototype.shard = "";

        /**
         * FieldEvent enumSetStringValues.
         * @member {boolean} enumSetStringValues
         * @memberof binlogdata.FieldEvent
         * @instance
         */
        FieldEvent.prototype.enumSetStringValues = false;

        /**
         * FieldEvent isInternalTable.
         * @member {boolean} isInternalTable
         * @memberof binlogdata.FieldEvent
         * @instance
         */
        FieldEvent.prototype.isInternalTable = false;

        /**
         * Encodes the specified FieldEvent message. Does not implicitly {@link binlogdata.FieldEvent.verify|verify} messages.
         * @function encode
         * @memberof binlogdata.FieldEvent
         * @static
         * @param {binlogdata.FieldEvent.$Properties} message FieldEvent message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        FieldEvent.encode = function (message, writer, _depth) {
            if (!writer)
                writer = $Writer.create();
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (message.tableName != null && $Object.hasOwnProperty.call(message, "tableName") && message.tableName !== "")
                writer.uint32(/* id 1, wireType 2 =*/10).string(message.tableName);
            if (message.fields != null && message.fields.length)
                for (var i = 0; i < message.fields.length; ++i)
                    $root.query.Field.encode(message.fields[i], writer.uint32(/* id 2, wireType 2 =*/18).fork(), _depth + 1).ldelim();
            if (message.keyspace != null && $Object.hasOwnProperty.call(message, "keyspace") && message.keyspace !== "")
                writer.uint32(/* id 3, wireType 2 =*/26).string(message.keyspace);
            if (message.shard != null && $Object.hasOwnProperty.call(message, "shard") && message.shard !== "")
                writer.uint32(/* id 4, wireType 2 =*/34).string(message.shard);
            if (message.enumSetStringValues != null && $Object.hasOwnProperty.call(message, "enumSetStringValues") && message.enumSetStringValues !== false)
                writer.uint32(/* id 25, wireType 0 =*/200).bool(message.enumSetStringValues);
            if (message.isInternalTable != null && $Object.hasOwnProperty.call(message, "isInternalTable") && message.isInternalTable !== false)
                writer.uint32(/* id 26, wireType 0 =*/208).bool(message.isInternalTable);
            if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                for (var i = 0; i < message.$unknowns.length; ++i)
                    writer.raw(message.$unknowns[i]);
            return writer;
        };

        /**
         * Decodes a FieldEvent message from the specified reader or buffer.
         * @function decode
         * @memberof binlogdata.FieldEvent
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {binlogdata.FieldEvent & binlogdata.FieldEvent.$Shape} FieldEvent
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        FieldEvent.decode = function (reader, length, _end, _depth, _target) {
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
            message = _target || new $root.binlogdata.FieldEvent();
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
                            message.tableName = value;
                        else
                            delete message.tableName;
                        continue;
                    }
                case 2: {
                        if (wireType !== 2)
                            break;
                        if (!(message.fields && message.fields.length))
                            message.fields = [];
                        message.fields.push($root.query.Field.decode(reader, reader.size(), $undefined, _depth + 1));
                        continue;
                    }
                case 3: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.stringVerify()).length)
                            message.keyspace = value;
                        else
                            delete message.keyspace;
                        continue;
                    }
                case 4: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.stringVerify()).length)
                            message.shard = value;
                        else
                            delete message.shard;
                        continue;
                    }
                case 25: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.bool())
                            message.enumSetStringValues = value;
                        else
                            delete message.enumSetStringValues;
                        continue;
                    }
                case 26: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.bool())
                            message.isInternalTable = value;
                        else
                            delete message.isInternalTable;
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

        return FieldEvent;
    })();

    binlogdata.LastPKEvent = (function() {

        /**
         * Properties of a LastPKEvent.
         * @typedef {Object} binlogdata.LastPKEvent.$Properties
         * @property {binlogdata.TableLastPK.$Properties|null} [tableLastPK] LastPKEvent tableLastPK
         * @property {boolean|null} [completed] LastPKEvent completed
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of a LastPKEvent.
         * @memberof binlogdata
         * @interface ILastPKEvent
         * @augments binlogdata.LastPKEvent.$Properties
         * @deprecated Use binlogdata.LastPKEvent.$Properties instead.
         */

        /**
         * Shape of a LastPKEvent.
         * @typedef {binlogdata.LastPKEvent.$Properties} binlogdata.LastPKEvent.$Shape
         */

        /**
         * Constructs a new LastPKEvent.
         * @memberof binlogdata
         * @classdesc Represents a LastPKEvent.
         * @constructor
         * @param {binlogdata.LastPKEvent.$Properties=} [properties] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        var LastPKEvent = function (properties) {
            if (properties)
                for (var keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        };

        /**
         * LastPKEvent tableLastPK.
         * @member {binlogdata.TableLastPK.$Properties|null|undefined} tableLastPK
         * @memberof binlogdata.LastPKEvent
         * @instance
         */
        LastPKEvent.prototype.tableLastPK = null;

        /**
         * LastPKEvent completed.
         * @member {boolean} completed
         * @memberof binlogdata.LastPKEvent
         * @instance
         */
        LastPKEvent.prototype.completed = false;

        /**
         * Encodes the specified LastPKEvent message. Does not implicitly {@link binlogdata.LastPKEvent.verify|verify} messages.
         * @function encode
         * @memberof binlogdata.LastPKEvent
         * @static
         * @param {binlogdata.LastPKEvent.$Properties} message LastPKEvent message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        LastPKEvent.encode = function (message, writer, _depth) {
            if (!writer)
                writer = $Writer.create();
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (message.tableLastPK != null && $Object.hasOwnProperty.call(message, "tableLastPK"))
                $root.binlogdata.TableLastPK.encode(message.tableLastPK, writer.uint32(/* id 1, wireType 2 =*/10).fork(), _depth + 1).ldelim();
            if (message.completed != null && $Object.hasOwnProperty.call(message, "completed") && message.completed !== false)
                writer.uint32(/* id 2, wireType 0 =*/16).bool(message.completed);
            if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                for (var i = 0; i < message.$unknowns.length; ++i)
                    writer.raw(message.$unknowns[i]);
            return writer;
        };

        /**
         * Decodes a LastPKEvent message from the specified reader or buffer.
         * @function decode
         * @memberof binlogdata.LastPKEvent
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {binlogdata.LastPKEvent & binlogdata.LastPKEvent.$Shape} LastPKEvent
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        LastPKEvent.decode = function (reader, length, _end, _depth, _target) {
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
            message = _target || new $root.binlogdata.LastPKEvent();
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
                        message.tableLastPK = $root.binlogdata.TableLastPK.decode(reader, reader.size(), $undefined, _depth + 1, message.tableLastPK);
                        continue;
                    }
                case 2: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.bool())
                            message.completed = value;
                        else
                            delete message.completed;
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

        return LastPKEvent;
    })();

    binlogdata.VEvent = (function() {

        /**
         * Properties of a VEvent.
         * @typedef {Object} binlogdata.VEvent.$Properties
         * @property {binlogdata.VEventType|null} [type] VEvent type
         * @property {Long|null} [timestamp] VEvent timestamp
         * @property {string|null} [gtid] VEvent gtid
         * @property {string|null} [statement] VEvent statement
         * @property {binlogdata.RowEvent.$Properties|null} [rowEvent] VEvent rowEvent
         * @property {binlogdata.FieldEvent.$Properties|null} [fieldEvent] VEvent fieldEvent
         * @property {binlogdata.VGtid.$Properties|null} [vgtid] VEvent vgtid
         * @property {binlogdata.Journal.$Properties|null} [journal] VEvent journal
         * @property {string|null} [dml] VEvent dml
         * @property {Long|null} [currentTime] VEvent currentTime
         * @property {binlogdata.LastPKEvent.$Properties|null} [lastPKEvent] VEvent lastPKEvent
         * @property {string|null} [keyspace] VEvent keyspace
         * @property {string|null} [shard] VEvent shard
         * @property {boolean|null} [throttled] VEvent throttled
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of a VEvent.
         * @memberof binlogdata
         * @interface IVEvent
         * @augments binlogdata.VEvent.$Properties
         * @deprecated Use binlogdata.VEvent.$Properties instead.
         */

        /**
         * Shape of a VEvent.
         * @typedef {binlogdata.VEvent.$Properties} binlogdata.VEvent.$Shape
         */

        /**
         * Constructs a new VEvent.
         * @memberof binlogdata
         * @classdesc Represents a VEvent.
         * @constructor
         * @param {binlogdata.VEvent.$Properties=} [properties] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        var VEvent = function (properties) {
            if (properties)
                for (var keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        };

        /**
         * VEvent type.
         * @member {binlogdata.VEventType} type
         * @memberof binlogdata.VEvent
         * @instance
         */
        VEvent.prototype.type = 0;

        /**
         * VEvent timestamp.
         * @member {Long} timestamp
         * @memberof binlogdata.VEvent
         * @instance
         */
        VEvent.prototype.timestamp = $util.Long ? $util.Long.fromBits(0,0,false) : 0;

        /**
         * VEvent gtid.
         * @member {string} gtid
         * @memberof binlogdata.VEvent
         * @instance
         */
        VEvent.prototype.gtid = "";

        /**
         * VEvent statement.
         * @member {string} statement
         * @memberof binlogdata.VEvent
         * @instance
         */
        VEvent.prototype.statement = "";

        /**
         * VEvent rowEvent.
         * @member {binlogdata.RowEvent.$Properties|null|undefined} rowEvent
         * @memberof binlogdata.VEvent
         * @instance
         */
        VEvent.prototype.rowEvent = null;

        /**
         * VEvent fieldEvent.
         * @member {binlogdata.FieldEvent.$Properties|null|undefined} fieldEvent
         * @memberof binlogdata.VEvent
         * @instance
         */
        VEvent.prototype.fieldEvent = null;

        /**
         * VEvent vgtid.
         * @member {binlogdata.VGtid.$Properties|null|undefined} vgtid
         * @memberof binlogdata.VEvent
         * @instance
         */
        VEvent.prototype.vgtid = null;

        /**
         * VEvent journal.
         * @member {binlogdata.Journal.$Properties|null|undefined} journal
         * @memberof binlogdata.VEvent
         * @instance
         */
        VEvent.prototype.journal = null;

        /**
         * VEvent dml.
         * @member {string} dml
         * @memberof binlogdata.VEvent
         * @instance
         */
        VEvent.prototype.dml = "";

        /**
         * VEvent currentTime.
         * @member {Long} currentTime
         * @memberof binlogdata.VEvent
         * @instance
         */
        VEvent.prototype.currentTime = $util.Long ? $util.Long.fromBits(0,0,false) : 0;

        /**
         * VEvent lastPKEvent.
         * @member {binlogdata.LastPKEvent.$Properties|null|undefined} lastPKEvent
         * @memberof binlogdata.VEvent
         * @instance
         */
        VEvent.prototype.lastPKEvent = null;

        /**
         * VEvent keyspace.
         * @member {string} keyspace
         * @memberof binlogdata.VEvent
         * @instance
         */
        VEvent.prototype.keyspace = "";

        /**
         * VEvent shard.
         * @member {string} shard
         * @memberof binlogdata.VEvent
         * @instance
         */
        VEvent.prototype.shard = "";

        /**
         * VEvent throttled.
         * @member {boolean} throttled
         * @memberof binlogdata.VEvent
         * @instance
         */
        VEvent.prototype.throttled = false;

        /**
         * Encodes the specified VEvent message. Does not implicitly {@link binlogdata.VEvent.verify|verify} messages.
         * @function encode
         * @memberof binlogdata.VEvent
         * @static
         * @param {binlogdata.VEvent.$Properties} message VEvent message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        VEvent.encode = function (message, writer, _depth) {
            if (!writer)
                writer = $Writer.create();
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (message.type != null && $Object.hasOwnProperty.call(message, "type") && message.type !== 0)
                writer.uint32(/* id 1, wireType 0 =*/8).int32(message.type);
            if (message.timestamp != null && $Object.hasOwnProperty.call(message, "timestamp") && (typeof message.timestamp === "object" ? message.timestamp.low || message.timestamp.high : message.timestamp !== 0))
                writer.uint32(/* id 2, wireType 0 =*/16).int64(message.timestamp);
            if (message.gtid != null && $Object.hasOwnProperty.call(message, "gtid") && message.gtid !== "")
                writer.uint32(/* id 3, wireType 2 =*/26).string(message.gtid);
            if (message.statement != null && $Object.hasOwnProperty.call(message, "statement") && message.statement !== "")
                writer.uint32(/* id 4, wireType 2 =*/34).string(message.statement);
            if (message.rowEvent != null && $Object.hasOwnProperty.call(message, "rowEvent"))
                $root.binlogdata.RowEvent.encode(message.rowEvent, writer.uint32(/* id 5, wireType 2 =*/42).fork(), _depth + 1).ldelim();
            if (message.fieldEvent != null && $Object.hasOwnProperty.call(message, "fieldEvent"))
                $root.binlogdata.FieldEvent.encode(message.fieldEvent, writer.uint32(/* id 6, wireType 2 =*/50).fork(), _depth + 1).ldelim();
            if (message.vgtid != null && $Object.hasOwnProperty.call(message, "vgtid"))
                $root.binlogdata.VGtid.encode(message.vgtid, writer.uint32(/* id 7, wireType 2 =*/58).fork(), _depth + 1).ldelim();
            if (message.journal != null && $Object.hasOwnProperty.call(message, "journal"))
                $root.binlogdata.Journal.encode(message.journal, writer.uint32(/* id 8, wireType 2 =*/66).fork(), _depth + 1).ldelim();
            if (message.dml != null && $Object.hasOwnProperty.call(message, "dml") && message.dml !== "")
                writer.uint32(/* id 9, wireType 2 =*/74).string(message.dml);
            if (message.currentTime != null && $Object.hasOwnProperty.call(message, "currentTime") && (typeof message.currentTime === "object" ? message.currentTime.low || message.currentTime.high : message.currentTime !== 0))
                writer.uint32(/* id 20, wireType 0 =*/160).int64(message.currentTime);
            if (message.lastPKEvent != null && $Object.hasOwnProperty.call(message, "lastPKEvent"))
                $root.binlogdata.LastPKEvent.encode(message.lastPKEvent, writer.uint32(/* id 21, wireType 2 =*/170).fork(), _depth + 1).ldelim();
            if (message.keyspace != null && $Object.hasOwnProperty.call(message, "keyspace") && message.keyspace !== "")
                writer.uint32(/* id 22, wireType 2 =*/178).string(message.keyspace);
            if (message.shard != null && $Object.hasOwnProperty.call(message, "shard") && message.shard !== "")
                writer.uint32(/* id 23, wireType 2 =*/186).string(message.shard);
            if (message.throttled != null && $Object.hasOwnProperty.call(message, "throttled") && message.throttled !== false)
                writer.uint32(/* id 24, wireType 0 =*/192).bool(message.throttled);
            if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                for (var i = 0; i < message.$unknowns.length; ++i)
                    writer.raw(message.$unknowns[i]);
            return writer;
        };

        /**
         * Decodes a VEvent message from the specified reader or buffer.
         * @function decode
         * @memberof binlogdata.VEvent
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {binlogdata.VEvent & binlogdata.VEvent.$Shape} VEvent
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        VEvent.decode = function (reader, length, _end, _depth, _target) {
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
            message = _target || new $root.binlogdata.VEvent();
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
                            message.type = value;
                        else
                            delete message.type;
                        continue;
                    }
                case 2: {
                        if (wireType !== 0)
                            break;
                        if (typeof (value = reader.int64()) === "object" ? value.low || value.high : value !== 0)
                            message.timestamp = value;
                        else
                            delete message.timestamp;
                        continue;
                    }
                case 3: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.stringVerify()).length)
                            message.gtid = value;
                        else
                            delete message.gtid;
                        continue;
                    }
                case 4: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.stringVerify()).length)
                            message.statement = value;
                        else
                            delete message.statement;
                        continue;
                    }
                case 5: {
                        if (wireType !== 2)
                            break;
                        message.rowEvent = $root.binlogdata.RowEvent.decode(reader, reader.size(), $undefined, _depth + 1, message.rowEvent);
                        continue;
                    }
                case 6: {
                        if (wireType !== 2)
                            break;
                        message.fieldEvent = $root.binlogdata.FieldEvent.decode(reader, reader.size(), $undefined, _depth + 1, message.fieldEvent);
                        continue;
                    }
                case 7: {
                        if (wireType !== 2)
                            break;
                        message.vgtid = $root.binlogdata.VGtid.decode(reader, reader.size(), $undefined, _depth + 1, message.vgtid);
                        continue;
                    }
                case 8: {
                        if (wireType !== 2)
                            break;
                        message.journal = $root.binlogdata.Journal.decode(reader, reader.size(), $undefined, _depth + 1, message.journal);
                        continue;
                    }
                case 9: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.stringVerify()).length)
                            message.dml = value;
                        else
                            delete message.dml;
                        continue;
                    }
                case 20: {
                        if (wireType !== 0)
                            break;
                        if (typeof (value = reader.int64()) === "object" ? value.low || value.high : value !== 0)
                            message.currentTime = value;
                        else
                            delete message.currentTime;
                        continue;
                    }
                case 21: {
                        if (wireType !== 2)
                            break;
                        message.lastPKEvent = $root.binlogdata.LastPKEvent.decode(reader, reader.size(), $undefined, _depth + 1, message.lastPKEvent);
                        continue;
                    }
                case 22: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.stringVerify()).length)
                            message.keyspace = value;
                        else
                            delete message.keyspace;
                        continue;
                    }
                case 23: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.stringVerify()).length)
                            message.shard = value;
                        else
                            delete message.shard;
                        continue;
                    }
                case 24: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.bool())
                            message.throttled = value;
                        else
                            delete message.throttled;
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

        return VEvent;
    })();

    return binlogdata;
})();

$root.vtgate = (function() {

    /**
     * Namespace vtgate.
     * @exports vtgate
     * @namespace
     */
    var vtgate = {};

    vtgate.VStreamFlags = (function() {

        /**
         * Properties of a VStreamFlags.
         * @typedef {Object} vtgate.VStreamFlags.$Properties
         * @property {boolean|null} [minimizeSkew] VStreamFlags minimizeSkew
         * @property {number|null} [heartbeatInterval] VStreamFlags heartbeatInterval
         * @property {boolean|null} [stopOnReshard] VStreamFlags stopOnReshard
         * @property {string|null} [cells] VStreamFlags cells
         * @property {string|null} [cellPreference] VStreamFlags cellPreference
         * @property {string|null} [tabletOrder] VStreamFlags tabletOrder
         * @property {boolean|null} [streamKeyspaceHeartbeats] VStreamFlags streamKeyspaceHeartbeats
         * @property {boolean|null} [includeReshardJournalEvents] VStreamFlags includeReshardJournalEvents
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of a VStreamFlags.
         * @memberof vtgate
         * @interface IVStreamFlags
         * @augments vtgate.VStreamFlags.$Properties
         * @deprecated Use vtgate.VStreamFlags.$Properties instead.
         */

        /**
         * Shape of a VStreamFlags.
         * @typedef {vtgate.VStreamFlags.$Properties} vtgate.VStreamFlags.$Shape
         */

        /**
         * Constructs a new VStreamFlags.
         * @memberof vtgate
         * @classdesc Represents a VStreamFlags.
         * @constructor
         * @param {vtgate.VStreamFlags.$Properties=} [properties] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        var VStreamFlags = function (properties) {
            if (properties)
                for (var keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        };

        /**
         * VStreamFlags minimizeSkew.
         * @member {boolean} minimizeSkew
         * @memberof vtgate.VStreamFlags
         * @instance
         */
        VStreamFlags.prototype.minimizeSkew = false;

        /**
         * VStreamFlags heartbeatInterval.
         * @member {number} heartbeatInterval
         * @memberof vtgate.VStreamFlags
         * @instance
         */
        VStreamFlags.prototype.heartbeatInterval = 0;

        /**
         * VStreamFlags stopOnReshard.
         * @member {boolean} stopOnReshard
         * @memberof vtgate.VStreamFlags
         * @instance
         */
        VStreamFlags.prototype.stopOnReshard = false;

        /**
         * VStreamFlags cells.
         * @member {string} cells
         * @memberof vtgate.VStreamFlags
         * @instance
         */
        VStreamFlags.prototype.cells = "";

        /**
         * VStreamFlags cellPreference.
         * @member {string} cellPreference
         * @memberof vtgate.VStreamFlags
         * @instance
         */
        VStreamFlags.prototype.cellPreference = "";

        /**
         * VStreamFlags tabletOrder.
         * @member {string} tabletOrder
         * @memberof vtgate.VStreamFlags
         * @instance
         */
        VStreamFlags.prototype.tabletOrder = "";

        /**
         * VStreamFlags streamKeyspaceHeartbeats.
         * @member {boolean} streamKeyspaceHeartbeats
         * @memberof vtgate.VStreamFlags
         * @instance
         */
        VStreamFlags.prototype.streamKeyspaceHeartbeats = false;

        /**
         * VStreamFlags includeReshardJournalEvents.
         * @member {boolean} includeReshardJournalEvents
         * @memberof vtgate.VStreamFlags
         * @instance
         */
        VStreamFlags.prototype.includeReshardJournalEvents = false;

        /**
         * Encodes the specified VStreamFlags message. Does not implicitly {@link vtgate.VStreamFlags.verify|verify} messages.
         * @function encode
         * @memberof vtgate.VStreamFlags
         * @static
         * @param {vtgate.VStreamFlags.$Properties} message VStreamFlags message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        VStreamFlags.encode = function (message, writer, _depth) {
            if (!writer)
                writer = $Writer.create();
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (message.minimizeSkew != null && $Object.hasOwnProperty.call(message, "minimizeSkew") && message.minimizeSkew !== false)
                writer.uint32(/* id 1, wireType 0 =*/8).bool(message.minimizeSkew);
            if (message.heartbeatInterval != null && $Object.hasOwnProperty.call(message, "heartbeatInterval") && message.heartbeatInterval !== 0)
                writer.uint32(/* id 2, wireType 0 =*/16).uint32(message.heartbeatInterval);
            if (message.stopOnReshard != null && $Object.hasOwnProperty.call(message, "stopOnReshard") && message.stopOnReshard !== false)
                writer.uint32(/* id 3, wireType 0 =*/24).bool(message.stopOnReshard);
            if (message.cells != null && $Object.hasOwnProperty.call(message, "cells") && message.cells !== "")
                writer.uint32(/* id 4, wireType 2 =*/34).string(message.cells);
            if (message.cellPreference != null && $Object.hasOwnProperty.call(message, "cellPreference") && message.cellPreference !== "")
                writer.uint32(/* id 5, wireType 2 =*/42).string(message.cellPreference);
            if (message.tabletOrder != null && $Object.hasOwnProperty.call(message, "tabletOrder") && message.tabletOrder !== "")
                writer.uint32(/* id 6, wireType 2 =*/50).string(message.tabletOrder);
            if (message.streamKeyspaceHeartbeats != null && $Object.hasOwnProperty.call(message, "streamKeyspaceHeartbeats") && message.streamKeyspaceHeartbeats !== false)
                writer.uint32(/* id 7, wireType 0 =*/56).bool(message.streamKeyspaceHeartbeats);
            if (message.includeReshardJournalEvents != null && $Object.hasOwnProperty.call(message, "includeReshardJournalEvents") && message.includeReshardJournalEvents !== false)
                writer.uint32(/* id 8, wireType 0 =*/64).bool(message.includeReshardJournalEvents);
            if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                for (var i = 0; i < message.$unknowns.length; ++i)
                    writer.raw(message.$unknowns[i]);
            return writer;
        };

        /**
         * Decodes a VStreamFlags message from the specified reader or buffer.
         * @function decode
         * @memberof vtgate.VStreamFlags
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {vtgate.VStreamFlags & vtgate.VStreamFlags.$Shape} VStreamFlags
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        VStreamFlags.decode = function (reader, length, _end, _depth, _target) {
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
            message = _target || new $root.vtgate.VStreamFlags();
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
                        if (value = reader.bool())
                            message.minimizeSkew = value;
                        else
                            delete message.minimizeSkew;
                        continue;
                    }
                case 2: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.uint32())
                            message.heartbeatInterval = value;
                        else
                            delete message.heartbeatInterval;
                        continue;
                    }
                case 3: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.bool())
                            message.stopOnReshard = value;
                        else
                            delete message.stopOnReshard;
                        continue;
                    }
                case 4: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.stringVerify()).length)
                            message.cells = value;
                        else
                            delete message.cells;
                        continue;
                    }
                case 5: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.stringVerify()).length)
                            message.cellPreference = value;
                        else
                            delete message.cellPreference;
                        continue;
                    }
                case 6: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.stringVerify()).length)
                            message.tabletOrder = value;
                        else
                            delete message.tabletOrder;
                        continue;
                    }
                case 7: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.bool())
                            message.streamKeyspaceHeartbeats = value;
                        else
                            delete message.streamKeyspaceHeartbeats;
                        continue;
                    }
                case 8: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.bool())
                            message.includeReshardJournalEvents = value;
                        else
                            delete message.includeReshardJournalEvents;
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

        return VStreamFlags;
    })();

    vtgate.VStreamRequest = (function() {

        /**
         * Properties of a VStreamRequest.
         * @typedef {Object} vtgate.VStreamRequest.$Properties
         * @property {vtrpc.CallerID.$Properties|null} [callerId] VStreamRequest callerId
         * @property {topodata.TabletType|null} [tabletType] VStreamRequest tabletType
         * @property {binlogdata.VGtid.$Properties|null} [vgtid] VStreamRequest vgtid
         * @property {binlogdata.Filter.$Properties|null} [filter] VStreamRequest filter
         * @property {vtgate.VStreamFlags.$Properties|null} [flags] VStreamRequest flags
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of a VStreamRequest.
         * @memberof vtgate
         * @interface IVStreamRequest
         * @augments vtgate.VStreamRequest.$Properties
         * @deprecated Use vtgate.VStreamRequest.$Properties instead.
         */

        /**
         * Shape of a VStreamRequest.
         * @typedef {vtgate.VStreamRequest.$Properties} vtgate.VStreamRequest.$Shape
         */

        /**
         * Constructs a new VStreamRequest.
         * @memberof vtgate
         * @classdesc Represents a VStreamRequest.
         * @constructor
         * @param {vtgate.VStreamRequest.$Properties=} [properties] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        var VStreamRequest = function (properties) {
            if (properties)
                for (var keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        };

        /**
         * VStreamRequest callerId.
         * @member {vtrpc.CallerID.$Properties|null|undefined} callerId
         * @memberof vtgate.VStreamRequest
         * @instance
         */
        VStreamRequest.prototype.callerId = null;

        /**
         * VStreamRequest tabletType.
         * @member {topodata.TabletType} tabletType
         * @memberof vtgate.VStreamRequest
         * @instance
         */
        VStreamRequest.prototype.tabletType = 0;

        /**
         * VStreamRequest vgtid.
         * @member {binlogdata.VGtid.$Properties|null|undefined} vgtid
         * @memberof vtgate.VStreamRequest
         * @instance
         */
        VStreamRequest.prototype.vgtid = null;

        /**
         * VStreamRequest filter.
         * @member {binlogdata.Filter.$Properties|null|undefined} filter
         * @memberof vtgate.VStreamRequest
         * @instance
         */
        VStreamRequest.prototype.filter = null;

        /**
         * VStreamRequest flags.
         * @member {vtgate.VStreamFlags.$Properties|null|undefined} flags
         * @memberof vtgate.VStreamRequest
         * @instance
         */
        VStreamRequest.prototype.flags = null;

        /**
         * Encodes the specified VStreamRequest message. Does not implicitly {@link vtgate.VStreamRequest.verify|verify} messages.
         * @function encode
         * @memberof vtgate.VStreamRequest
         * @static
         * @param {vtgate.VStreamRequest.$Properties} message VStreamRequest message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        VStreamRequest.encode = function (message, writer, _depth) {
            if (!writer)
                writer = $Writer.create();
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (message.callerId != null && $Object.hasOwnProperty.call(message, "callerId"))
                $root.vtrpc.CallerID.encode(message.callerId, writer.uint32(/* id 1, wireType 2 =*/10).fork(), _depth + 1).ldelim();
            if (message.tabletType != null && $Object.hasOwnProperty.call(message, "tabletType") && message.tabletType !== 0)
                writer.uint32(/* id 2, wireType 0 =*/16).int32(message.tabletType);
            if (message.vgtid != null && $Object.hasOwnProperty.call(message, "vgtid"))
                $root.binlogdata.VGtid.encode(message.vgtid, writer.uint32(/* id 3, wireType 2 =*/26).fork(), _depth + 1).ldelim();
            if (message.filter != null && $Object.hasOwnProperty.call(message, "filter"))
                $root.binlogdata.Filter.encode(message.filter, writer.uint32(/* id 4, wireType 2 =*/34).fork(), _depth + 1).ldelim();
            if (message.flags != null && $Object.hasOwnProperty.call(message, "flags"))
                $root.vtgate.VStreamFlags.encode(message.flags, writer.uint32(/* id 5, wireType 2 =*/42).fork(), _depth + 1).ldelim();
            if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                for (var i = 0; i < message.$unknowns.length; ++i)
                    writer.raw(message.$unknowns[i]);
            return writer;
        };

        /**
         * Decodes a VStreamRequest message from the specified reader or buffer.
         * @function decode
         * @memberof vtgate.VStreamRequest
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {vtgate.VStreamRequest & vtgate.VStreamRequest.$Shape} VStreamRequest
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        VStreamRequest.decode = function (reader, length, _end, _depth, _target) {
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
            message = _target || new $root.vtgate.VStreamRequest();
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
                        message.callerId = $root.vtrpc.CallerID.decode(reader, reader.size(), $undefined, _depth + 1, message.callerId);
                        continue;
                    }
                case 2: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.int32())
                            message.tabletType = value;
                        else
                            delete message.tabletType;
                        continue;
                    }
                case 3: {
                        if (wireType !== 2)
                            break;
                        message.vgtid = $root.binlogdata.VGtid.decode(reader, reader.size(), $undefined, _depth + 1, message.vgtid);
                        continue;
                    }
                case 4: {
                        if (wireType !== 2)
                            break;
                        message.filter = $root.binlogdata.Filter.decode(reader, reader.size(), $undefined, _depth + 1, message.filter);
                        continue;
                    }
                case 5: {
                        if (wireType !== 2)
                            break;
                        message.flags = $root.vtgate.VStreamFlags.decode(reader, reader.size(), $undefined, _depth + 1, message.flags);
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

        return VStreamRequest;
    })();

    vtgate.VStreamResponse = (function() {

        /**
         * Properties of a VStreamResponse.
         * @typedef {Object} vtgate.VStreamResponse.$Properties
         * @property {Array.<binlogdata.VEvent.$Properties>|null} [events] VStreamResponse events
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of a VStreamResponse.
         * @memberof vtgate
         * @interface IVStreamResponse
         * @augments vtgate.VStreamResponse.$Properties
         * @deprecated Use vtgate.VStreamResponse.$Properties instead.
         */

        /**
         * Shape of a VStreamResponse.
         * @typedef {vtgate.VStreamResponse.$Properties} vtgate.VStreamResponse.$Shape
         */

        /**
         * Constructs a new VStreamResponse.
         * @memberof vtgate
         * @classdesc Represents a VStreamResponse.
         * @constructor
         * @param {vtgate.VStreamResponse.$Properties=} [properties] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        var VStreamResponse = function (properties) {
            this.events = [];
            if (properties)
                for (var keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        };

        /**
         * VStreamResponse events.
         * @member {Array.<binlogdata.VEvent.$Properties>} events
         * @memberof vtgate.VStreamResponse
         * @instance
         */
        VStreamResponse.prototype.events = $util.emptyArray;

        /**
         * Encodes the specified VStreamResponse message. Does not implicitly {@link vtgate.VStreamResponse.verify|verify} messages.
         * @function encode
         * @memberof vtgate.VStreamResponse
         * @static
         * @param {vtgate.VStreamResponse.$Properties} message VStreamResponse message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        VStreamResponse.encode = function (message, writer, _depth) {
            if (!writer)
                writer = $Writer.create();
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (message.events != null && message.events.length)
                for (var i = 0; i < message.events.length; ++i)
                    $root.binlogdata.VEvent.encode(message.events[i], writer.uint32(/* id 1, wireType 2 =*/10).fork(), _depth + 1).ldelim();
            if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                for (var i = 0; i < message.$unknowns.length; ++i)
                    writer.raw(message.$unknowns[i]);
            return writer;
        };

        /**
         * Decodes a VStreamResponse message from the specified reader or buffer.
         * @function decode
         * @memberof vtgate.VStreamResponse
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {vtgate.VStreamResponse & vtgate.VStreamResponse.$Shape} VStreamResponse
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        VStreamResponse.decode = function (reader, length, _end, _depth, _target) {
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
            message = _target || new $root.vtgate.VStreamResponse();
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
                        if (!(message.events && message.events.length))
                            message.events = [];
                        message.events.push($root.binlogdata.VEvent.decode(reader, reader.size(), $undefined, _depth + 1));
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

        return VStreamResponse;
    })();

    vtgate.Session = (function() {

        /**
         * Properties of a Session.
         * @typedef {Object} vtgate.Session.$Properties
         * @property {boolean|null} [inTransaction] Session inTransaction
         * @property {boolean|null} [autocommit] Session autocommit
         * @property {string|null} [targetString] Session targetString
         * @property {query.ExecuteOptions.$Properties|null} [options] Session options
         * @property {Object.<string,string>|null} [systemVariables] Session systemVariables
         * @property {boolean|null} [enableSystemSettings] Session enableSystemSettings
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of a Session.
         * @memberof vtgate
         * @interface ISession
         * @augments vtgate.Session.$Properties
         * @deprecated Use vtgate.Session.$Properties instead.
         */

        /**
         * Shape of a Session.
         * @typedef {vtgate.Session.$Properties} vtgate.Session.$Shape
         */

        /**
         * Constructs a new Session.
         * @memberof vtgate
         * @classdesc Represents a Session.
         * @constructor
         * @param {vtgate.Session.$Properties=} [properties] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        var Session = function (properties) {
            this.systemVariables = {};
            if (properties)
                for (var keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        };

        /**
         * Session inTransaction.
         * @member {boolean} inTransaction
         * @memberof vtgate.Session
         * @instance
         */
        Session.prototype.inTransaction = false;

        /**
         * Session autocommit.
         * @member {boolean} autocommit
         * @memberof vtgate.Session
         * @instance
         */
        Session.prototype.autocommit = false;

        /**
         * Session targetString.
         * @member {string} targetString
         * @memberof vtgate.Session
         * @instance
         */
        Session.prototype.targetString = "";

        /**
         * Session options.
         * @member {query.ExecuteOptions.$Properties|null|undefined} options
         * @memberof vtgate.Session
         * @instance
         */
        Session.prototype.options = null;

        /**
         * Session systemVariables.
         * @member {Object.<string,string>} systemVariables
         * @memberof vtgate.Session
         * @instance
         */
        Session.prototype.systemVariables = $util.emptyObject;

        /**
         * Session enableSystemSettings.
         * @member {boolean} enableSystemSettings
         * @memberof vtgate.Session
         * @instance
         */
        Session.prototype.enableSystemSettings = false;

        /**
         * Encodes the specified Session message. Does not implicitly {@link vtgate.Session.verify|verify} messages.
         * @function encode
         * @memberof vtgate.Session
         * @static
         * @param {vtgate.Session.$Properties} message Session message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        Session.encode = function (message, writer, _depth) {
            if (!writer)
                writer = $Writer.create();
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (message.inTransaction != null && $Object.hasOwnProperty.call(message, "inTransaction") && message.inTransaction !== false)
                writer.uint32(/* id 1, wireType 0 =*/8).bool(message.inTransaction);
            if (message.autocommit != null && $Object.hasOwnProperty.call(message, "autocommit") && message.autocommit !== false)
                writer.uint32(/* id 4, wireType 0 =*/32).bool(message.autocommit);
            if (message.targetString != null && $Object.hasOwnProperty.call(message, "targetString") && message.targetString !== "")
                writer.uint32(/* id 5, wireType 2 =*/42).string(message.targetString);
            if (message.options != null && $Object.hasOwnProperty.call(message, "options"))
                $root.query.ExecuteOptions.encode(message.options, writer.uint32(/* id 6, wireType 2 =*/50).fork(), _depth + 1).ldelim();
            if (message.systemVariables != null && $Object.hasOwnProperty.call(message, "systemVariables"))
                for (var keys = $Object.keys(message.systemVariables), i = 0; i < keys.length; ++i)
                    writer.uint32(/* id 14, wireType 2 =*/114).fork().uint32(/* id 1, wireType 2 =*/10).string(keys[i]).uint32(/* id 2, wireType 2 =*/18).string(message.systemVariables[keys[i]]).ldelim();
            if (message.enableSystemSettings != null && $Object.hasOwnProperty.call(message, "enableSystemSettings") && message.enableSystemSettings !== false)
                writer.uint32(/* id 23, wireType 0 =*/184).bool(message.enableSystemSettings);
            if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                for (var i = 0; i < message.$unknowns.length; ++i)
                    writer.raw(message.$unknowns[i]);
            return writer;
        };

        /**
         * Decodes a Session message from the specified reader or buffer.
         * @function decode
         * @memberof vtgate.Session
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {vtgate.Session & vtgate.Session.$Shape} Session
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        Session.decode = function (reader, length, _end, _depth, _target) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $Reader.recursionLimit)
                throw $Error("max depth exceeded");
            var end, message, key, value;
            if (length === $undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw $RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = _target || new $root.vtgate.Session();
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
                        if (value = reader.bool())
                            message.inTransaction = value;
                        else
                            delete message.inTransaction;
                        continue;
                    }
                case 4: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.bool())
                            message.autocommit = value;
                        else
                            delete message.autocommit;
                        continue;
                    }
                case 5: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.stringVerify()).length)
                            message.targetString = value;
                        else
                            delete message.targetString;
                        continue;
                    }
                case 6: {
                        if (wireType !== 2)
                            break;
                        message.options = $root.query.ExecuteOptions.decode(reader, reader.size(), $undefined, _depth + 1, message.options);
                        continue;
                    }
                case 14: {
                        if (wireType !== 2)
                            break;
                        if (message.systemVariables === $util.emptyObject)
                            message.systemVariables = {};
                        var end2 = reader.size() + reader.pos;
                        if (end2 > reader.len)
                            throw $RangeError("index out of range");
                        reader.len = end2;
                        key = "";
                        value = "";
                        while (reader.pos < end2) {
                            var tag2 = reader.tag();
                            wireType = tag2 & 7;
                            switch (tag2 >>>= 3) {
                            case 1:
                                if (wireType !== 2)
                                    break;
                                key = reader.stringVerify();
                                continue;
                            case 2:
                                if (wireType !== 2)
                                    break;
                                value = reader.stringVerify();
                                continue;
                            }
                            reader.skipType(wireType, _depth, tag2);
                        }
                        if (reader.pos !== end2)
                            throw $RangeError("index out of range");
                        reader.len = end;
                        if (key === "__proto__")
                            $util.makeProp(message.systemVariables, key);
                        message.systemVariables[key] = value;
                        continue;
                    }
                case 23: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.bool())
                            message.enableSystemSettings = value;
                        else
                            delete message.enableSystemSettings;
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

        return Session;
    })();

    vtgate.ExecuteRequest = (function() {

        /**
         * Properties of an ExecuteRequest.
         * @typedef {Object} vtgate.ExecuteRequest.$Properties
         * @property {vtrpc.CallerID.$Properties|null} [callerId] ExecuteRequest callerId
         * @property {vtgate.Session.$Properties|null} [session] ExecuteRequest session
         * @property {query.BoundQuery.$Properties|null} [query] ExecuteRequest query
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of an ExecuteRequest.
         * @memberof vtgate
         * @interface IExecuteRequest
         * @augments vtgate.ExecuteRequest.$Properties
         * @deprecated Use vtgate.ExecuteRequest.$Properties instead.
         */

        /**
         * Shape of an ExecuteRequest.
         * @typedef {vtgate.ExecuteRequest.$Properties} vtgate.ExecuteRequest.$Shape
         */

        /**
         * Constructs a new ExecuteRequest.
         * @memberof vtgate
         * @classdesc Represents an ExecuteRequest.
         * @constructor
         * @param {vtgate.ExecuteRequest.$Properties=} [properties] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        var ExecuteRequest = function (properties) {
            if (properties)
                for (var keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        };

        /**
         * ExecuteRequest callerId.
         * @member {vtrpc.CallerID.$Properties|null|undefined} callerId
         * @memberof vtgate.ExecuteRequest
         * @instance
         */
        ExecuteRequest.prototype.callerId = null;

        /**
         * ExecuteRequest session.
         * @member {vtgate.Session.$Properties|null|undefined} session
         * @memberof vtgate.ExecuteRequest
         * @instance
         */
        ExecuteRequest.prototype.session = null;

        /**
         * ExecuteRequest query.
         * @member {query.BoundQuery.$Properties|null|undefined} query
         * @memberof vtgate.ExecuteRequest
         * @instance
         */
        ExecuteRequest.prototype.query = null;

        /**
         * Encodes the specified ExecuteRequest message. Does not implicitly {@link vtgate.ExecuteRequest.verify|verify} messages.
         * @function encode
         * @memberof vtgate.ExecuteRequest
         * @static
         * @param {vtgate.ExecuteRequest.$Properties} message ExecuteRequest message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        ExecuteRequest.encode = function (message, writer, _depth) {
            if (!writer)
                writer = $Writer.create();
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (message.callerId != null && $Object.hasOwnProperty.call(message, "callerId"))
                $root.vtrpc.CallerID.encode(message.callerId, writer.uint32(/* id 1, wireType 2 =*/10).fork(), _depth + 1).ldelim();
            if (message.session != null && $Object.hasOwnProperty.call(message, "session"))
                $root.vtgate.Session.encode(message.session, writer.uint32(/* id 2, wireType 2 =*/18).fork(), _depth + 1).ldelim();
            if (message.query != null && $Object.hasOwnProperty.call(message, "query"))
                $root.query.BoundQuery.encode(message.query, writer.uint32(/* id 3, wireType 2 =*/26).fork(), _depth + 1).ldelim();
            if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                for (var i = 0; i < message.$unknowns.length; ++i)
                    writer.raw(message.$unknowns[i]);
            return writer;
        };

        /**
         * Decodes an ExecuteRequest message from the specified reader or buffer.
         * @function decode
         * @memberof vtgate.ExecuteRequest
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {vtgate.ExecuteRequest & vtgate.ExecuteRequest.$Shape} ExecuteRequest
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        ExecuteRequest.decode = function (reader, length, _end, _depth, _target) {
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
            message = _target || new $root.vtgate.ExecuteRequest();
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
                        message.callerId = $root.vtrpc.CallerID.decode(reader, reader.size(), $undefined, _depth + 1, message.callerId);
                        continue;
                    }
                case 2: {
                        if (wireType !== 2)
                            break;
                        message.session = $root.vtgate.Session.decode(reader, reader.size(), $undefined, _depth + 1, message.session);
                        continue;
                    }
                case 3: {
                        if (wireType !== 2)
                            break;
                        message.query = $root.query.BoundQuery.decode(reader, reader.size(), $undefined, _depth + 1, message.query);
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

        return ExecuteRequest;
    })();

    vtgate.ExecuteResponse = (function() {

        /**
         * Properties of an ExecuteResponse.
         * @typedef {Object} vtgate.ExecuteResponse.$Properties
         * @property {vtrpc.RPCError.$Properties|null} [error] ExecuteResponse error
         * @property {vtgate.Session.$Properties|null} [session] ExecuteResponse session
         * @property {query.QueryResult.$Properties|null} [result] ExecuteResponse result
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of an ExecuteResponse.
         * @memberof vtgate
         * @interface IExecuteResponse
         * @augments vtgate.ExecuteResponse.$Properties
         * @deprecated Use vtgate.ExecuteResponse.$Properties instead.
         */

        /**
         * Shape of an ExecuteResponse.
         * @typedef {vtgate.ExecuteResponse.$Properties} vtgate.ExecuteResponse.$Shape
         */

        /**
         * Constructs a new ExecuteResponse.
         * @memberof vtgate
         * @classdesc Represents an ExecuteResponse.
         * @constructor
         * @param {vtgate.ExecuteResponse.$Properties=} [properties] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        var ExecuteResponse = function (properties) {
            if (properties)
                for (var keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        };

        /**
         * ExecuteResponse error.
         * @member {vtrpc.RPCError.$Properties|null|undefined} error
         * @memberof vtgate.ExecuteResponse
         * @instance
         */
        ExecuteResponse.prototype.error = null;

        /**
         * ExecuteResponse session.
         * @member {vtgate.Session.$Properties|null|undefined} session
         * @memberof vtgate.ExecuteResponse
         * @instance
         */
        ExecuteResponse.prototype.session = null;

        /**
         * ExecuteResponse result.
         * @member {query.QueryResult.$Properties|null|undefined} result
         * @memberof vtgate.ExecuteResponse
         * @instance
         */
        ExecuteResponse.prototype.result = null;

        /**
         * Encodes the specified ExecuteResponse message. Does not implicitly {@link vtgate.ExecuteResponse.verify|verify} messages.
         * @function encode
         * @memberof vtgate.ExecuteResponse
         * @static
         * @param {vtgate.ExecuteResponse.$Properties} message ExecuteResponse message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        ExecuteResponse.encode = function (message, writer, _depth) {
            if (!writer)
                writer = $Writer.create();
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (message.error != null && $Object.hasOwnProperty.call(message, "error"))
                $root.vtrpc.RPCError.encode(message.error, writer.uint32(/* id 1, wireType 2 =*/10).fork(), _depth + 1).ldelim();
            if (message.session != null && $Object.hasOwnProperty.call(message, "session"))
                $root.vtgate.Session.encode(message.session, writer.uint32(/* id 2, wireType 2 =*/18).fork(), _depth + 1).ldelim();
            if (message.result != null && $Object.hasOwnProperty.call(message, "result"))
                $root.query.QueryResult.encode(message.result, writer.uint32(/* id 3, wireType 2 =*/26).fork(), _depth + 1).ldelim();
            if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                for (var i = 0; i < message.$unknowns.length; ++i)
                    writer.raw(message.$unknowns[i]);
            return writer;
        };

        /**
         * Decodes an ExecuteResponse message from the specified reader or buffer.
         * @function decode
         * @memberof vtgate.ExecuteResponse
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {vtgate.ExecuteResponse & vtgate.ExecuteResponse.$Shape} ExecuteResponse
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        ExecuteResponse.decode = function (reader, length, _end, _depth, _target) {
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
            message = _target || new $root.vtgate.ExecuteResponse();
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
                        message.error = $root.vtrpc.RPCError.decode(reader, reader.size(), $undefined, _depth + 1, message.error);
                        continue;
                    }
                case 2: {
                        if (wireType !== 2)
                            break;
                        message.session = $root.vtgate.Session.decode(reader, reader.size(), $undefined, _depth + 1, message.session);
                        continue;
                    }
                case 3: {
                        if (wireType !== 2)
                            break;
                        message.result = $root.query.QueryResult.decode(reader, reader.size(), $undefined, _depth + 1, message.result);
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

        return ExecuteResponse;
    })();

    return vtgate;
})();

module.exports = $root;
