import * as $protobuf from "protobufjs";
import Long = require("long");

/** Namespace vtrpc. */
export namespace vtrpc {

    /**
     * Properties of a CallerID.
     * @deprecated Use vtrpc.CallerID.$Properties instead.
     */
    interface ICallerID extends vtrpc.CallerID.$Properties {
    }

    /** Represents a CallerID. */
    class CallerID {

        /**
         * Constructs a new CallerID.
         * @param [properties] Properties to set
         */
        constructor(properties?: vtrpc.CallerID.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** CallerID principal. */
        principal: string;

        /** CallerID component. */
        component: string;

        /** CallerID subcomponent. */
        subcomponent: string;

        /** CallerID groups. */
        groups: string[];

        /**
         * Encodes the specified CallerID message. Does not implicitly {@link vtrpc.CallerID.verify|verify} messages.
         * @param message CallerID message or plain object to encode
         * @param [writer] Writer to encode to
         * @returns Writer
         */
        static encode(message: vtrpc.CallerID.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes a CallerID message from the specified reader or buffer.
         * @param reader Reader or buffer to decode from
         * @param [length] Message length if known beforehand
         * @returns {vtrpc.CallerID & vtrpc.CallerID.$Shape} CallerID
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): vtrpc.CallerID & vtrpc.CallerID.$Shape;
    }

    namespace CallerID {

        /** Properties of a CallerID. */
        interface $Properties {

            /** CallerID principal */
            principal?: (string|null);

            /** CallerID component */
            component?: (string|null);

            /** CallerID subcomponent */
            subcomponent?: (string|null);

            /** CallerID groups */
            groups?: (string[]|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of a CallerID. */
        type $Shape = vtrpc.CallerID.$Properties;
    }

    /**
     * Properties of a RPCError.
     * @deprecated Use vtrpc.RPCError.$Properties instead.
     */
    interface IRPCError extends vtrpc.RPCError.$Properties {
    }

    /** Represents a RPCError. */
    class RPCError {

        /**
         * Constructs a new RPCError.
         * @param [properties] Properties to set
         */
        constructor(properties?: vtrpc.RPCError.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** RPCError message. */
        message: string;

        /**
         * Encodes the specified RPCError message. Does not implicitly {@link vtrpc.RPCError.verify|verify} messages.
         * @param message RPCError message or plain object to encode
         * @param [writer] Writer to encode to
         * @returns Writer
         */
        static encode(message: vtrpc.RPCError.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes a RPCError message from the specified reader or buffer.
         * @param reader Reader or buffer to decode from
         * @param [length] Message length if known beforehand
         * @returns {vtrpc.RPCError & vtrpc.RPCError.$Shape} RPCError
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): vtrpc.RPCError & vtrpc.RPCError.$Shape;
    }

    namespace RPCError {

        /** Properties of a RPCError. */
        interface $Properties {

            /** RPCError message */
            message?: (string|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of a RPCError. */
        type $Shape = vtrpc.RPCError.$Properties;
    }
}

/** Namespace topodata. */
export namespace topodata {

    /** TabletType enum. */
    enum TabletType {

        /** UNKNOWN value */
        UNKNOWN = 0,

        /** PRIMARY value */
        PRIMARY = 1,

        /** MASTER value */
        MASTER = 1,

        /** REPLICA value */
        REPLICA = 2,

        /** RDONLY value */
        RDONLY = 3,

        /** BATCH value */
        BATCH = 3,

        /** SPARE value */
        SPARE = 4,

        /** EXPERIMENTAL value */
        EXPERIMENTAL = 5,

        /** BACKUP value */
        BACKUP = 6,

        /** RESTORE value */
        RESTORE = 7,

        /** DRAINED value */
        DRAINED = 8
    }
}

/** Namespace query. */
export namespace query {

    /** Type enum. */
    enum Type {

        /** NULL_TYPE value */
        NULL_TYPE = 0,

        /** INT8 value */
        INT8 = 257,

        /** UINT8 value */
        UINT8 = 770,

        /** INT16 value */
        INT16 = 259,

        /** UINT16 value */
        UINT16 = 772,

        /** INT24 value */
        INT24 = 261,

        /** UINT24 value */
        UINT24 = 774,

        /** INT32 value */
        INT32 = 263,

        /** UINT32 value */
        UINT32 = 776,

        /** INT64 value */
        INT64 = 265,

        /** UINT64 value */
        UINT64 = 778,

        /** FLOAT32 value */
        FLOAT32 = 1035,

        /** FLOAT64 value */
        FLOAT64 = 1036,

        /** TIMESTAMP value */
        TIMESTAMP = 2061,

        /** DATE value */
        DATE = 2062,

        /** TIME value */
        TIME = 2063,

        /** DATETIME value */
        DATETIME = 2064,

        /** YEAR value */
        YEAR = 785,

        /** DECIMAL value */
        DECIMAL = 18,

        /** TEXT value */
        TEXT = 6163,

        /** BLOB value */
        BLOB = 10260,

        /** VARCHAR value */
        VARCHAR = 6165,

        /** VARBINARY value */
        VARBINARY = 10262,

        /** CHAR value */
        CHAR = 6167,

        /** BINARY value */
        BINARY = 10264,

        /** BIT value */
        BIT = 2073,

        /** ENUM value */
        ENUM = 2074,

        /** SET value */
        SET = 2075,

        /** TUPLE value */
        TUPLE = 28,

        /** GEOMETRY value */
        GEOMETRY = 2077,

        /** JSON value */
        JSON = 2078,

        /** EXPRESSION value */
        EXPRESSION = 31,

        /** HEXNUM value */
        HEXNUM = 4128,

        /** HEXVAL value */
        HEXVAL = 4129,

        /** BITNUM value */
        BITNUM = 4130,

        /** VECTOR value */
        VECTOR = 2083,

        /** RAW value */
        RAW = 2084,

        /** ROW_TUPLE value */
        ROW_TUPLE = 2085
    }

    /**
     * Properties of a Field.
     * @deprecated Use query.Field.$Properties instead.
     */
    interface IField extends query.Field.$Properties {
    }

    /** Represents a Field. */
    class Field {

        /**
         * Constructs a new Field.
         * @param [properties] Properties to set
         */
        constructor(properties?: query.Field.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** Field name. */
        name: string;

        /** Field type. */
        type: query.Type;

        /** Field table. */
        table: string;

        /** Field orgTable. */
        orgTable: string;

        /** Field database. */
        database: string;

        /** Field orgName. */
        orgName: string;

        /** Field columnLength. */
        columnLength: number;

        /** Field charset. */
        charset: number;

        /** Field decimals. */
        decimals: number;

        /** Field flags. */
        flags: number;

        /** Field columnType. */
        columnType: string;

        /**
         * Encodes the specified Field message. Does not implicitly {@link query.Field.verify|verify} messages.
         * @param message Field message or plain object to encode
         * @param [writer] Writer to encode to
         * @returns Writer
         */
        static encode(message: query.Field.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes a Field message from the specified reader or buffer.
         * @param reader Reader or buffer to decode from
         * @param [length] Message length if known beforehand
         * @returns {query.Field & query.Field.$Shape} Field
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): query.Field & query.Field.$Shape;
    }

    namespace Field {

        /** Properties of a Field. */
        interface $Properties {

            /** Field name */
            name?: (string|null);

            /** Field type */
            type?: (query.Type|null);

            /** Field table */
            table?: (string|null);

            /** Field orgTable */
            orgTable?: (string|null);

            /** Field database */
            database?: (string|null);

            /** Field orgName */
            orgName?: (string|null);

            /** Field columnLength */
            columnLength?: (number|null);

            /** Field charset */
            charset?: (number|null);

            /** Field decimals */
            decimals?: (number|null);

            /** Field flags */
            flags?: (number|null);

            /** Field columnType */
            columnType?: (string|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of a Field. */
        type $Shape = query.Field.$Properties;
    }

    /**
     * Properties of a Row.
     * @deprecated Use query.Row.$Properties instead.
     */
    interface IRow extends query.Row.$Properties {
    }

    /** Represents a Row. */
    class Row {

        /**
         * Constructs a new Row.
         * @param [properties] Properties to set
         */
        constructor(properties?: query.Row.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** Row lengths. */
        lengths: Long[];

        /** Row values. */
        values: Uint8Array;

        /**
         * Encodes the specified Row message. Does not implicitly {@link query.Row.verify|verify} messages.
         * @param message Row message or plain object to encode
         * @param [writer] Writer to encode to
         * @returns Writer
         */
        static encode(message: query.Row.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes a Row message from the specified reader or buffer.
         * @param reader Reader or buffer to decode from
         * @param [length] Message length if known beforehand
         * @returns {query.Row & query.Row.$Shape} Row
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): query.Row & query.Row.$Shape;
    }

    namespace Row {

        /** Properties of a Row. */
        interface $Properties {

            /** Row lengths */
            lengths?: (Long[]|null);

            /** Row values */
            values?: (Uint8Array|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of a Row. */
        type $Shape = query.Row.$Properties;
    }

    /**
     * Properties of a QueryResult.
     * @deprecated Use query.QueryResult.$Properties instead.
     */
    interface IQueryResult extends query.QueryResult.$Properties {
    }

    /** Represents a QueryResult. */
    class QueryResult {

        /**
         * Constructs a new QueryResult.
         * @param [properties] Properties to set
         */
        constructor(properties?: query.QueryResult.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** QueryResult fields. */
        fields: query.Field.$Properties[];

        /** QueryResult rowsAffected. */
        rowsAffected: Long;

        /** QueryResult insertId. */
        insertId: Long;

        /** QueryResult rows. */
        rows: query.Row.$Properties[];

        /**
         * Encodes the specified QueryResult message. Does not implicitly {@link query.QueryResult.verify|verify} messages.
         * @param message QueryResult message or plain object to encode
         * @param [writer] Writer to encode to
         * @returns Writer
         */
        static encode(message: query.QueryResult.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes a QueryResult message from the specified reader or buffer.
         * @param reader Reader or buffer to decode from
         * @param [length] Message length if known beforehand
         * @returns {query.QueryResult & query.QueryResult.$Shape} QueryResult
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): query.QueryResult & query.QueryResult.$Shape;
    }

    namespace QueryResult {

        /** Properties of a QueryResult. */
        interface $Properties {

            /** QueryResult fields */
            fields?: (query.Field.$Properties[]|null);

            /** QueryResult rowsAffected */
            rowsAffected?: (Long|null);

            /** QueryResult insertId */
            insertId?: (Long|null);

            /** QueryResult rows */
            rows?: (query.Row.$Properties[]|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of a QueryResult. */
        type $Shape = query.QueryResult.$Properties;
    }

    /**
     * Properties of a Value.
     * @deprecated Use query.Value.$Properties instead.
     */
    interface IValue extends query.Value.$Properties {
    }

    /** Represents a Value. */
    class Value {

        /**
         * Constructs a new Value.
         * @param [properties] Properties to set
         */
        constructor(properties?: query.Value.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** Value type. */
        type: query.Type;

        /** Value value. */
        value: Uint8Array;

        /**
         * Encodes the specified Value message. Does not implicitly {@link query.Value.verify|verify} messages.
         * @param message Value message or plain object to encode
         * @param [writer] Writer to encode to
         * @returns Writer
         */
        static encode(message: query.Value.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes a Value message from the specified reader or buffer.
         * @param reader Reader or buffer to decode from
         * @param [length] Message length if known beforehand
         * @returns {query.Value & query.Value.$Shape} Value
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): query.Value & query.Value.$Shape;
    }

    namespace Value {

        /** Properties of a Value. */
        interface $Properties {

            /** Value type */
            type?: (query.Type|null);

            /** Value value */
            value?: (Uint8Array|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of a Value. */
        type $Shape = query.Value.$Properties;
    }

    /**
     * Properties of a BindVariable.
     * @deprecated Use query.BindVariable.$Properties instead.
     */
    interface IBindVariable extends query.BindVariable.$Properties {
    }

    /** Represents a BindVariable. */
    class BindVariable {

        /**
         * Constructs a new BindVariable.
         * @param [properties] Properties to set
         */
        constructor(properties?: query.BindVariable.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** BindVariable type. */
        type: query.Type;

        /** BindVariable value. */
        value: Uint8Array;

        /** BindVariable values. */
        values: query.Value.$Properties[];

        /**
         * Encodes the specified BindVariable message. Does not implicitly {@link query.BindVariable.verify|verify} messages.
         * @param message BindVariable message or plain object to encode
         * @param [writer] Writer to encode to
         * @returns Writer
         */
        static encode(message: query.BindVariable.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes a BindVariable message from the specified reader or buffer.
         * @param reader Reader or buffer to decode from
         * @param [length] Message length if known beforehand
         * @returns {query.BindVariable & query.BindVariable.$Shape} BindVariable
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): query.BindVariable & query.BindVariable.$Shape;
    }

    namespace BindVariable {

        /** Properties of a BindVariable. */
        interface $Properties {

            /** BindVariable type */
            type?: (query.Type|null);

            /** BindVariable value */
            value?: (Uint8Array|null);

            /** BindVariable values */
            values?: (query.Value.$Properties[]|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of a BindVariable. */
        type $Shape = query.BindVariable.$Properties;
    }

    /**
     * Properties of a BoundQuery.
     * @deprecated Use query.BoundQuery.$Properties instead.
     */
    interface IBoundQuery extends query.BoundQuery.$Properties {
    }

    /** Represents a BoundQuery. */
    class BoundQuery {

        /**
         * Constructs a new BoundQuery.
         * @param [properties] Properties to set
         */
        constructor(properties?: query.BoundQuery.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** BoundQuery sql. */
        sql: string;

        /** BoundQuery bindVariables. */
        bindVariables: { [k: string]: query.BindVariable.$Properties };

        /**
         * Encodes the specified BoundQuery message. Does not implicitly {@link query.BoundQuery.verify|verify} messages.
         * @param message BoundQuery message or plain object to encode
         * @param [writer] Writer to encode to
         * @returns Writer
         */
        static encode(message: query.BoundQuery.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes a BoundQuery message from the specified reader or buffer.
         * @param reader Reader or buffer to decode from
         * @param [length] Message length if known beforehand
         * @returns {query.BoundQuery & query.BoundQuery.$Shape} BoundQuery
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): query.BoundQuery & query.BoundQuery.$Shape;
    }

    namespace BoundQuery {

        /** Properties of a BoundQuery. */
        interface $Properties {

            /** BoundQuery sql */
            sql?: (string|null);

            /** BoundQuery bindVariables */
            bindVariables?: ({ [k: string]: query.BindVariable.$Properties }|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of a BoundQuery. */
        type $Shape = query.BoundQuery.$Properties;
    }

    /**
     * Properties of an ExecuteOptions.
     * @deprecated Use query.ExecuteOptions.$Properties instead.
     */
    interface IExecuteOptions extends query.ExecuteOptions.$Properties {
    }

    /** Represents an ExecuteOptions. */
    class ExecuteOptions {

        /**
         * Constructs a new ExecuteOptions.
         * @param [properties] Properties to set
         */
        constructor(properties?: query.ExecuteOptions.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** ExecuteOptions includedFields. */
        includedFields: query.ExecuteOptions.IncludedFields;

        /**
         * Encodes the specified ExecuteOptions message. Does not implicitly {@link query.ExecuteOptions.verify|verify} messages.
         * @param message ExecuteOptions message or plain object to encode
         * @param [writer] Writer to encode to
         * @returns Writer
         */
        static encode(message: query.ExecuteOptions.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes an ExecuteOptions message from the specified reader or buffer.
         * @param reader Reader or buffer to decode from
         * @param [length] Message length if known beforehand
         * @returns {query.ExecuteOptions & query.ExecuteOptions.$Shape} ExecuteOptions
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): query.ExecuteOptions & query.ExecuteOptions.$Shape;
    }

    namespace ExecuteOptions {

        /** Properties of an ExecuteOptions. */
        interface $Properties {

            /** ExecuteOptions includedFields */
            includedFields?: (query.ExecuteOptions.IncludedFields|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of an ExecuteOptions. */
        type $Shape = query.ExecuteOptions.$Properties;

        /** IncludedFields enum. */
        enum IncludedFields {

            /** TYPE_AND_NAME value */
            TYPE_AND_NAME = 0,

            /** TYPE_ONLY value */
            TYPE_ONLY = 1,

            /** ALL value */
            ALL = 2
        }
    }
}

/** Namespace binlogdata. */
export namespace binlogdata {

    /**
     * Properties of a TableLastPK.
     * @deprecated Use binlogdata.TableLastPK.$Properties instead.
     */
    interface ITableLastPK extends binlogdata.TableLastPK.$Properties {
    }

    /** Represents a TableLastPK. */
    class TableLastPK {

        /**
         * Constructs a new TableLastPK.
         * @param [properties] Properties to set
         */
        constructor(properties?: binlogdata.TableLastPK.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** TableLastPK tableName. */
        tableName: string;

        /** TableLastPK lastpk. */
        lastpk?: (query.QueryResult.$Properties|null);

        /**
         * Encodes the specified TableLastPK message. Does not implicitly {@link binlogdata.TableLastPK.verify|verify} messages.
         * @param message TableLastPK message or plain object to encode
         * @param [writer] Writer to encode to
         * @returns Writer
         */
        static encode(message: binlogdata.TableLastPK.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes a TableLastPK message from the specified reader or buffer.
         * @param reader Reader or buffer to decode from
         * @param [length] Message length if known beforehand
         * @returns {binlogdata.TableLastPK & binlogdata.TableLastPK.$Shape} TableLastPK
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): binlogdata.TableLastPK & binlogdata.TableLastPK.$Shape;
    }

    namespace TableLastPK {

        /** Properties of a TableLastPK. */
        interface $Properties {

            /** TableLastPK tableName */
            tableName?: (string|null);

            /** TableLastPK lastpk */
            lastpk?: (query.QueryResult.$Properties|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of a TableLastPK. */
        type $Shape = binlogdata.TableLastPK.$Properties;
    }

    /**
     * Properties of a ShardGtid.
     * @deprecated Use binlogdata.ShardGtid.$Properties instead.
     */
    interface IShardGtid extends binlogdata.ShardGtid.$Properties {
    }

    /** Represents a ShardGtid. */
    class ShardGtid {

        /**
         * Constructs a new ShardGtid.
         * @param [properties] Properties to set
         */
        constructor(properties?: binlogdata.ShardGtid.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** ShardGtid keyspace. */
        keyspace: string;

        /** ShardGtid shard. */
        shard: string;

        /** ShardGtid gtid. */
        gtid: string;

        /** ShardGtid tablePKs. */
        tablePKs: binlogdata.TableLastPK.$Properties[];

        /**
         * Encodes the specified ShardGtid message. Does not implicitly {@link binlogdata.ShardGtid.verify|verify} messages.
         * @param message ShardGtid message or plain object to encode
         * @param [writer] Writer to encode to
         * @returns Writer
         */
        static encode(message: binlogdata.ShardGtid.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes a ShardGtid message from the specified reader or buffer.
         * @param reader Reader or buffer to decode from
         * @param [length] Message length if known beforehand
         * @returns {binlogdata.ShardGtid & binlogdata.ShardGtid.$Shape} ShardGtid
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): binlogdata.ShardGtid & binlogdata.ShardGtid.$Shape;
    }

    namespace ShardGtid {

        /** Properties of a ShardGtid. */
        interface $Properties {

            /** ShardGtid keyspace */
            keyspace?: (string|null);

            /** ShardGtid shard */
            shard?: (string|null);

            /** ShardGtid gtid */
            gtid?: (string|null);

            /** ShardGtid tablePKs */
            tablePKs?: (binlogdata.TableLastPK.$Properties[]|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of a ShardGtid. */
        type $Shape = binlogdata.ShardGtid.$Properties;
    }

    /**
     * Properties of a VGtid.
     * @deprecated Use binlogdata.VGtid.$Properties instead.
     */
    interface IVGtid extends binlogdata.VGtid.$Properties {
    }

    /** Represents a VGtid. */
    class VGtid {

        /**
         * Constructs a new VGtid.
         * @param [properties] Properties to set
         */
        constructor(properties?: binlogdata.VGtid.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** VGtid shardGtids. */
        shardGtids: binlogdata.ShardGtid.$Properties[];

        /**
         * Encodes the specified VGtid message. Does not implicitly {@link binlogdata.VGtid.verify|verify} messages.
         * @param message VGtid message or plain object to encode
         * @param [writer] Writer to encode to
         * @returns Writer
         */
        static encode(message: binlogdata.VGtid.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes a VGtid message from the specified reader or buffer.
         * @param reader Reader or buffer to decode from
         * @param [length] Message length if known beforehand
         * @returns {binlogdata.VGtid & binlogdata.VGtid.$Shape} VGtid
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): binlogdata.VGtid & binlogdata.VGtid.$Shape;
    }

    namespace VGtid {

        /** Properties of a VGtid. */
        interface $Properties {

            /** VGtid shardGtids */
            shardGtids?: (binlogdata.ShardGtid.$Properties[]|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of a VGtid. */
        type $Shape = binlogdata.VGtid.$Properties;
    }

    /**
     * Properties of a KeyspaceShard.
     * @deprecated Use binlogdata.KeyspaceShard.$Properties instead.
     */
    interface IKeyspaceShard extends binlogdata.KeyspaceShard.$Properties {
    }

    /** Represents a KeyspaceShard. */
    class KeyspaceShard {

        /**
         * Constructs a new KeyspaceShard.
         * @param [properties] Properties to set
         */
        constructor(properties?: binlogdata.KeyspaceShard.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** KeyspaceShard keyspace. */
        keyspace: string;

        /** KeyspaceShard shard. */
        shard: string;

        /**
         * Encodes the specified KeyspaceShard message. Does not implicitly {@link binlogdata.KeyspaceShard.verify|verify} messages.
         * @param message KeyspaceShard message or plain object to encode
         * @param [writer] Writer to encode to
         * @returns Writer
         */
        static encode(message: binlogdata.KeyspaceShard.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes a KeyspaceShard message from the specified reader or buffer.
         * @param reader Reader or buffer to decode from
         * @param [length] Message length if known beforehand
         * @returns {binlogdata.KeyspaceShard & binlogdata.KeyspaceShard.$Shape} KeyspaceShard
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): binlogdata.KeyspaceShard & binlogdata.KeyspaceShard.$Shape;
    }

    namespace KeyspaceShard {

        /** Properties of a KeyspaceShard. */
        interface $Properties {

            /** KeyspaceShard keyspace */
            keyspace?: (string|null);

            /** KeyspaceShard shard */
            shard?: (string|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of a KeyspaceShard. */
        type $Shape = binlogdata.KeyspaceShard.$Properties;
    }

    /** MigrationType enum. */
    enum MigrationType {

        /** TABLES value */
        TABLES = 0,

        /** SHARDS value */
        SHARDS = 1
    }

    /**
     * Properties of a Journal.
     * @deprecated Use binlogdata.Journal.$Properties instead.
     */
    interface IJournal extends binlogdata.Journal.$Properties {
    }

    /** Represents a Journal. */
    class Journal {

        /**
         * Constructs a new Journal.
         * @param [properties] Properties to set
         */
        constructor(properties?: binlogdata.Journal.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** Journal id. */
        id: Long;

        /** Journal migrationType. */
        migrationType: binlogdata.MigrationType;

        /** Journal tables. */
        tables: string[];

        /** Journal localPosition. */
        localPosition: string;

        /** Journal shardGtids. */
        shardGtids: binlogdata.ShardGtid.$Properties[];

        /** Journal participants. */
        participants: binlogdata.KeyspaceShard.$Properties[];

        /** Journal sourceWorkflows. */
        sourceWorkflows: string[];

        /**
         * Encodes the specified Journal message. Does not implicitly {@link binlogdata.Journal.verify|verify} messages.
         * @param message Journal message or plain object to encode
         * @param [writer] Writer to encode to
         * @returns Writer
         */
        static encode(message: binlogdata.Journal.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes a Journal message from the specified reader or buffer.
         * @param reader Reader or buffer to decode from
         * @param [length] Message length if known beforehand
         * @returns {binlogdata.Journal & binlogdata.Journal.$Shape} Journal
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): binlogdata.Journal & binlogdata.Journal.$Shape;
    }

    namespace Journal {

        /** Properties of a Journal. */
        interface $Properties {

            /** Journal id */
            id?: (Long|null);

            /** Journal migrationType */
            migrationType?: (binlogdata.MigrationType|null);

            /** Journal tables */
            tables?: (string[]|null);

            /** Journal localPosition */
            localPosition?: (string|null);

            /** Journal shardGtids */
            shardGtids?: (binlogdata.ShardGtid.$Properties[]|null);

            /** Journal participants */
            participants?: (binlogdata.KeyspaceShard.$Properties[]|null);

            /** Journal sourceWorkflows */
            sourceWorkflows?: (string[]|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of a Journal. */
        type $Shape = binlogdata.Journal.$Properties;
    }

    /**
     * Properties of a Rule.
     * @deprecated Use binlogdata.Rule.$Properties instead.
     */
    interface IRule extends binlogdata.Rule.$Properties {
    }

    /** Represents a Rule. */
    class Rule {

        /**
         * Constructs a new Rule.
         * @param [properties] Properties to set
         */
        constructor(properties?: binlogdata.Rule.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** Rule match. */
        match: string;

        /** Rule filter. */
        filter: string;

        /**
         * Encodes the specified Rule message. Does not implicitly {@link binlogdata.Rule.verify|verify} messages.
         * @param message Rule message or plain object to encode
         * @param [writer] Writer to encode to
         * @returns Writer
         */
        static encode(message: binlogdata.Rule.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes a Rule message from the specified reader or buffer.
         * @param reader Reader or buffer to decode from
         * @param [length] Message length if known beforehand
         * @returns {binlogdata.Rule & binlogdata.Rule.$Shape} Rule
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): binlogdata.Rule & binlogdata.Rule.$Shape;
    }

    namespace Rule {

        /** Properties of a Rule. */
        interface $Properties {

            /** Rule match */
            match?: (string|null);

            /** Rule filter */
            filter?: (string|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of a Rule. */
        type $Shape = binlogdata.Rule.$Properties;
    }

    /**
     * Properties of a Filter.
     * @deprecated Use binlogdata.Filter.$Properties instead.
     */
    interface IFilter extends binlogdata.Filter.$Properties {
    }

    /** Represents a Filter. */
    class Filter {

        /**
         * Constructs a new Filter.
         * @param [properties] Properties to set
         */
        constructor(properties?: binlogdata.Filter.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** Filter rules. */
        rules: binlogdata.Rule.$Properties[];

        /** Filter fieldEventMode. */
        fieldEventMode: binlogdata.Filter.FieldEventMode;

        /**
         * Encodes the specified Filter message. Does not implicitly {@link binlogdata.Filter.verify|verify} messages.
         * @param message Filter message or plain object to encode
         * @param [writer] Writer to encode to
         * @returns Writer
         */
        static encode(message: binlogdata.Filter.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes a Filter message from the specified reader or buffer.
         * @param reader Reader or buffer to decode from
         * @param [length] Message length if known beforehand
         * @returns {binlogdata.Filter & binlogdata.Filter.$Shape} Filter
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): binlogdata.Filter & binlogdata.Filter.$Shape;
    }

    namespace Filter {

        /** Properties of a Filter. */
        interface $Properties {

            /** Filter rules */
            rules?: (binlogdata.Rule.$Properties[]|null);

            /** Filter fieldEventMode */
            fieldEventMode?: (binlogdata.Filter.FieldEventMode|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of a Filter. */
        type $Shape = binlogdata.Filter.$Properties;

        /** FieldEventMode enum. */
        enum FieldEventMode {

            /** ERR_ON_MISMATCH value */
            ERR_ON_MISMATCH = 0,

            /** BEST_EFFORT value */
            BEST_EFFORT = 1
        }
    }

    /** VEventType enum. */
    enum VEventType {

        /** UNKNOWN value */
        UNKNOWN = 0,

        /** GTID value */
        GTID = 1,

        /** BEGIN value */
        BEGIN = 2,

        /** COMMIT value */
        COMMIT = 3,

        /** ROLLBACK value */
        ROLLBACK = 4,

        /** DDL value */
        DDL = 5,

        /** INSERT value */
        INSERT = 6,

        /** REPLACE value */
        REPLACE = 7,

        /** UPDATE value */
        UPDATE = 8,

        /** DELETE value */
        DELETE = 9,

        /** SET value */
        SET = 10,

        /** OTHER value */
        OTHER = 11,

        /** ROW value */
        ROW = 12,

        /** FIELD value */
        FIELD = 13,

        /** HEARTBEAT value */
        HEARTBEAT = 14,

        /** VGTID value */
        VGTID = 15,

        /** JOURNAL value */
        JOURNAL = 16,

        /** VERSION value */
        VERSION = 17,

        /** LASTPK value */
        LASTPK = 18,

        /** SAVEPOINT value */
        SAVEPOINT = 19,

        /** COPY_COMPLETED value */
        COPY_COMPLETED = 20
    }

    /**
     * Properties of a RowChange.
     * @deprecated Use binlogdata.RowChange.$Properties instead.
     */
    interface IRowChange extends binlogdata.RowChange.$Properties {
    }

    /** Represents a RowChange. */
    class RowChange {

        /**
         * Constructs a new RowChange.
         * @param [properties] Properties to set
         */
        constructor(properties?: binlogdata.RowChange.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** RowChange before. */
        before?: (query.Row.$Properties|null);

        /** RowChange after. */
        after?: (query.Row.$Properties|null);

        /** RowChange dataColumns. */
        dataColumns?: (binlogdata.RowChange.Bitmap.$Properties|null);

        /**
         * Encodes the specified RowChange message. Does not implicitly {@link binlogdata.RowChange.verify|verify} messages.
         * @param message RowChange message or plain object to encode
         * @param [writer] Writer to encode to
         * @returns Writer
         */
        static encode(message: binlogdata.RowChange.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes a RowChange message from the specified reader or buffer.
         * @param reader Reader or buffer to decode from
         * @param [length] Message length if known beforehand
         * @returns {binlogdata.RowChange & binlogdata.RowChange.$Shape} RowChange
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): binlogdata.RowChange & binlogdata.RowChange.$Shape;
    }

    namespace RowChange {

        /** Properties of a RowChange. */
        interface $Properties {

            /** RowChange before */
            before?: (query.Row.$Properties|null);

            /** RowChange after */
            after?: (query.Row.$Properties|null);

            /** RowChange dataColumns */
            dataColumns?: (binlogdata.RowChange.Bitmap.$Properties|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of a RowChange. */
        type $Shape = binlogdata.RowChange.$Properties;

        /**
         * Properties of a Bitmap.
         * @deprecated Use binlogdata.RowChange.Bitmap.$Properties instead.
         */
        interface IBitmap extends binlogdata.RowChange.Bitmap.$Properties {
        }

        /** Represents a Bitmap. */
        class Bitmap {

            /**
             * Constructs a new Bitmap.
             * @param [properties] Properties to set
             */
            constructor(properties?: binlogdata.RowChange.Bitmap.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** Bitmap count. */
            count: Long;

            /** Bitmap cols. */
            cols: Uint8Array;

            /**
             * Encodes the specified Bitmap message. Does not implicitly {@link binlogdata.RowChange.Bitmap.verify|verify} messages.
             * @param message Bitmap message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: binlogdata.RowChange.Bitmap.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a Bitmap message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {binlogdata.RowChange.Bitmap & binlogdata.RowChange.Bitmap.$Shape} Bitmap
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): binlogdata.RowChange.Bitmap & binlogdata.RowChange.Bitmap.$Shape;
        }

        namespace Bitmap {

            /** Properties of a Bitmap. */
            interface $Properties {

                /** Bitmap count */
                count?: (Long|null);

                /** Bitmap cols */
                cols?: (Uint8Array|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a Bitmap. */
            type $Shape = binlogdata.RowChange.Bitmap.$Properties;
        }
    }

    /**
     * Properties of a RowEvent.
     * @deprecated Use binlogdata.RowEvent.$Properties instead.
     */
    interface IRowEvent extends binlogdata.RowEvent.$Properties {
    }

    /** Represents a RowEvent. */
    class RowEvent {

        /**
         * Constructs a new RowEvent.
         * @param [properties] Properties to set
         */
        constructor(properties?: binlogdata.RowEvent.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** RowEvent tableName. */
        tableName: string;

        /** RowEvent rowChanges. */
        rowChanges: binlogdata.RowChange.$Properties[];

        /** RowEvent keyspace. */
        keyspace: string;

        /** RowEvent shard. */
        shard: string;

        /** RowEvent flags. */
        flags: number;

        /** RowEvent isInternalTable. */
        isInternalTable: boolean;

        /**
         * Encodes the specified RowEvent message. Does not implicitly {@link binlogdata.RowEvent.verify|verify} messages.
         * @param message RowEvent message or plain object to encode
         * @param [writer] Writer to encode to
         * @returns Writer
         */
        static encode(message: binlogdata.RowEvent.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes a RowEvent message from the specified reader or buffer.
         * @param reader Reader or buffer to decode from
         * @param [length] Message length if known beforehand
         * @returns {binlogdata.RowEvent & binlogdata.RowEvent.$Shape} RowEvent
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): binlogdata.RowEvent & binlogdata.RowEvent.$Shape;
    }

    namespace RowEvent {

        /** Properties of a RowEvent. */
        interface $Properties {

            /** RowEvent tableName */
            tableName?: (string|null);

            /** RowEvent rowChanges */
            rowChanges?: (binlogdata.RowChange.$Properties[]|null);

            /** RowEvent keyspace */
            keyspace?: (string|null);

            /** RowEvent shard */
            shard?: (string|null);

            /** RowEvent flags */
            flags?: (number|null);

            /** RowEvent isInternalTable */
            isInternalTable?: (boolean|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of a RowEvent. */
        type $Shape = binlogdata.RowEvent.$Properties;
    }

    /**
     * Properties of a FieldEvent.
     * @deprecated Use binlogdata.FieldEvent.$Properties instead.
     */
    interface IFieldEvent extends binlogdata.FieldEvent.$Properties {
    }

    /** Represents a FieldEvent. */
    class FieldEvent {

        /**
         * Constructs a new FieldEvent.
         * @param [properties] Properties to set
         */
        constructor(properties?: binlogdata.FieldEvent.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** FieldEvent tableName. */
        tableName: string;

        /** FieldEvent fields. */
        fields: query.Field.$Properties[];

        /** FieldEvent keyspace. */
        keyspace: string;

        /** FieldEvent shard. */
        shard: string;

        /** FieldEvent enumSetStringValues. */
        enumSetStringValues: boolean;

        /** FieldEvent isInternalTable. */
        isInternalTable: boolean;

        /**
         * Encodes the specified FieldEvent message. Does not implicitly {@link binlogdata.FieldEvent.verify|verify} messages.
         * @param message FieldEvent message or plain object to encode
         * @param [writer] Writer to encode to
         * @returns Writer
         */
        static encode(message: binlogdata.FieldEvent.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes a FieldEvent message from the specified reader or buffer.
         * @param reader Reader or buffer to decode from
         * @param [length] Message length if known beforehand
         * @returns {binlogdata.FieldEvent & binlogdata.FieldEvent.$Shape} FieldEvent
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): binlogdata.FieldEvent & binlogdata.FieldEvent.$Shape;
    }

    namespace FieldEvent {

        /** Properties of a FieldEvent. */
        interface $Properties {

            /** FieldEvent tableName */
            tableName?: (string|null);

            /** FieldEvent fields */
            fields?: (query.Field.$Properties[]|null);

            /** FieldEvent keyspace */
            keyspace?: (string|null);

            /** FieldEvent shard */
            shard?: (string|null);

            /** FieldEvent enumSetStringValues */
            enumSetStringValues?: (boolean|null);

            /** FieldEvent isInternalTable */
            isInternalTable?: (boolean|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of a FieldEvent. */
        type $Shape = binlogdata.FieldEvent.$Properties;
    }

    /**
     * Properties of a LastPKEvent.
     * @deprecated Use binlogdata.LastPKEvent.$Properties instead.
     */
    interface ILastPKEvent extends binlogdata.LastPKEvent.$Properties {
    }

    /** Represents a LastPKEvent. */
    class LastPKEvent {

        /**
         * Constructs a new LastPKEvent.
         * @param [properties] Properties to set
         */
        constructor(properties?: binlogdata.LastPKEvent.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** LastPKEvent tableLastPK. */
        tableLastPK?: (binlogdata.TableLastPK.$Properties|null);

        /** LastPKEvent completed. */
        completed: boolean;

        /**
         * Encodes the specified LastPKEvent message. Does not implicitly {@link binlogdata.LastPKEvent.verify|verify} messages.
         * @param message LastPKEvent message or plain object to encode
         * @param [writer] Writer to encode to
         * @returns Writer
         */
        static encode(message: binlogdata.LastPKEvent.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes a LastPKEvent message from the specified reader or buffer.
         * @param reader Reader or buffer to decode from
         * @param [length] Message length if known beforehand
         * @returns {binlogdata.LastPKEvent & binlogdata.LastPKEvent.$Shape} LastPKEvent
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): binlogdata.LastPKEvent & binlogdata.LastPKEvent.$Shape;
    }

    namespace LastPKEvent {

        /** Properties of a LastPKEvent. */
        interface $Properties {

            /** LastPKEvent tableLastPK */
            tableLastPK?: (binlogdata.TableLastPK.$Properties|null);

            /** LastPKEvent completed */
            completed?: (boolean|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of a LastPKEvent. */
        type $Shape = binlogdata.LastPKEvent.$Properties;
    }

    /**
     * Properties of a VEvent.
     * @deprecated Use binlogdata.VEvent.$Properties instead.
     */
    interface IVEvent extends binlogdata.VEvent.$Properties {
    }

    /** Represents a VEvent. */
    class VEvent {

        /**
         * Constructs a new VEvent.
         * @param [properties] Properties to set
         */
        constructor(properties?: binlogdata.VEvent.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** VEvent type. */
        type: binlogdata.VEventType;

        /** VEvent timestamp. */
        timestamp: Long;

        /** VEvent gtid. */
        gtid: string;

        /** VEvent statement. */
        statement: string;

        /** VEvent rowEvent. */
        rowEvent?: (binlogdata.RowEvent.$Properties|null);

        /** VEvent fieldEvent. */
        fieldEvent?: (binlogdata.FieldEvent.$Properties|null);

        /** VEvent vgtid. */
        vgtid?: (binlogdata.VGtid.$Properties|null);

        /** VEvent journal. */
        journal?: (binlogdata.Journal.$Properties|null);

        /** VEvent dml. */
        dml: string;

        /** VEvent currentTime. */
        currentTime: Long;

        /** VEvent lastPKEvent. */
        lastPKEvent?: (binlogdata.LastPKEvent.$Properties|null);

        /** VEvent keyspace. */
        keyspace: string;

        /** VEvent shard. */
        shard: string;

        /** VEvent throttled. */
        throttled: boolean;

        /**
         * Encodes the specified VEvent message. Does not implicitly {@link binlogdata.VEvent.verify|verify} messages.
         * @param message VEvent message or plain object to encode
         * @param [writer] Writer to encode to
         * @returns Writer
         */
        static encode(message: binlogdata.VEvent.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes a VEvent message from the specified reader or buffer.
         * @param reader Reader or buffer to decode from
         * @param [length] Message length if known beforehand
         * @returns {binlogdata.VEvent & binlogdata.VEvent.$Shape} VEvent
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): binlogdata.VEvent & binlogdata.VEvent.$Shape;
    }

    namespace VEvent {

        /** Properties of a VEvent. */
        interface $Properties {

            /** VEvent type */
            type?: (binlogdata.VEventType|null);

            /** VEvent timestamp */
            timestamp?: (Long|null);

            /** VEvent gtid */
            gtid?: (string|null);

            /** VEvent statement */
            statement?: (string|null);

            /** VEvent rowEvent */
            rowEvent?: (binlogdata.RowEvent.$Properties|null);

            /** VEvent fieldEvent */
            fieldEvent?: (binlogdata.FieldEvent.$Properties|null);

            /** VEvent vgtid */
            vgtid?: (binlogdata.VGtid.$Properties|null);

            /** VEvent journal */
            journal?: (binlogdata.Journal.$Properties|null);

            /** VEvent dml */
            dml?: (string|null);

            /** VEvent currentTime */
            currentTime?: (Long|null);

            /** VEvent lastPKEvent */
            lastPKEvent?: (binlogdata.LastPKEvent.$Properties|null);

            /** VEvent keyspace */
            keyspace?: (string|null);

            /** VEvent shard */
            shard?: (string|null);

            /** VEvent throttled */
            throttled?: (boolean|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of a VEvent. */
        type $Shape = binlogdata.VEvent.$Properties;
    }
}

/** Namespace vtgate. */
export namespace vtgate {

    /**
     * Properties of a VStreamFlags.
     * @deprecated Use vtgate.VStreamFlags.$Properties instead.
     */
    interface IVStreamFlags extends vtgate.VStreamFlags.$Properties {
    }

    /** Represents a VStreamFlags. */
    class VStreamFlags {

        /**
         * Constructs a new VStreamFlags.
         * @param [properties] Properties to set
         */
        constructor(properties?: vtgate.VStreamFlags.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** VStreamFlags minimizeSkew. */
        minimizeSkew: boolean;

        /** VStreamFlags heartbeatInterval. */
        heartbeatInterval: number;

        /** VStreamFlags stopOnReshard. */
        stopOnReshard: boolean;

        /** VStreamFlags cells. */
        cells: string;

        /** VStreamFlags cellPreference. */
        cellPreference: string;

        /** VStreamFlags tabletOrder. */
        tabletOrder: string;

        /** VStreamFlags streamKeyspaceHeartbeats. */
        streamKeyspaceHeartbeats: boolean;

        /** VStreamFlags includeReshardJournalEvents. */
        includeReshardJournalEvents: boolean;

        /**
         * Encodes the specified VStreamFlags message. Does not implicitly {@link vtgate.VStreamFlags.verify|verify} messages.
         * @param message VStreamFlags message or plain object to encode
         * @param [writer] Writer to encode to
         * @returns Writer
         */
        static encode(message: vtgate.VStreamFlags.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes a VStreamFlags message from the specified reader or buffer.
         * @param reader Reader or buffer to decode from
         * @param [length] Message length if known beforehand
         * @returns {vtgate.VStreamFlags & vtgate.VStreamFlags.$Shape} VStreamFlags
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): vtgate.VStreamFlags & vtgate.VStreamFlags.$Shape;
    }

    namespace VStreamFlags {

        /** Properties of a VStreamFlags. */
        interface $Properties {

            /** VStreamFlags minimizeSkew */
            minimizeSkew?: (boolean|null);

            /** VStreamFlags heartbeatInterval */
            heartbeatInterval?: (number|null);

            /** VStreamFlags stopOnReshard */
            stopOnReshard?: (boolean|null);

            /** VStreamFlags cells */
            cells?: (string|null);

            /** VStreamFlags cellPreference */
            cellPreference?: (string|null);

            /** VStreamFlags tabletOrder */
            tabletOrder?: (string|null);

            /** VStreamFlags streamKeyspaceHeartbeats */
            streamKeyspaceHeartbeats?: (boolean|null);

            /** VStreamFlags includeReshardJournalEvents */
            includeReshardJournalEvents?: (boolean|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of a VStreamFlags. */
        type $Shape = vtgate.VStreamFlags.$Properties;
    }

    /**
     * Properties of a VStreamRequest.
     * @deprecated Use vtgate.VStreamRequest.$Properties instead.
     */
    interface IVStreamRequest extends vtgate.VStreamRequest.$Properties {
    }

    /** Represents a VStreamRequest. */
    class VStreamRequest {

        /**
         * Constructs a new VStreamRequest.
         * @param [properties] Properties to set
         */
        constructor(properties?: vtgate.VStreamRequest.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** VStreamRequest callerId. */
        callerId?: (vtrpc.CallerID.$Properties|null);

        /** VStreamRequest tabletType. */
        tabletType: topodata.TabletType;

        /** VStreamRequest vgtid. */
        vgtid?: (binlogdata.VGtid.$Properties|null);

        /** VStreamRequest filter. */
        filter?: (binlogdata.Filter.$Properties|null);

        /** VStreamRequest flags. */
        flags?: (vtgate.VStreamFlags.$Properties|null);

        /**
         * Encodes the specified VStreamRequest message. Does not implicitly {@link vtgate.VStreamRequest.verify|verify} messages.
         * @param message VStreamRequest message or plain object to encode
         * @param [writer] Writer to encode to
         * @returns Writer
         */
        static encode(message: vtgate.VStreamRequest.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes a VStreamRequest message from the specified reader or buffer.
         * @param reader Reader or buffer to decode from
         * @param [length] Message length if known beforehand
         * @returns {vtgate.VStreamRequest & vtgate.VStreamRequest.$Shape} VStreamRequest
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): vtgate.VStreamRequest & vtgate.VStreamRequest.$Shape;
    }

    namespace VStreamRequest {

        /** Properties of a VStreamRequest. */
        interface $Properties {

            /** VStreamRequest callerId */
            callerId?: (vtrpc.CallerID.$Properties|null);

            /** VStreamRequest tabletType */
            tabletType?: (topodata.TabletType|null);

            /** VStreamRequest vgtid */
            vgtid?: (binlogdata.VGtid.$Properties|null);

            /** VStreamRequest filter */
            filter?: (binlogdata.Filter.$Properties|null);

            /** VStreamRequest flags */
            flags?: (vtgate.VStreamFlags.$Properties|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of a VStreamRequest. */
        type $Shape = vtgate.VStreamRequest.$Properties;
    }

    /**
     * Properties of a VStreamResponse.
     * @deprecated Use vtgate.VStreamResponse.$Properties instead.
     */
    interface IVStreamResponse extends vtgate.VStreamResponse.$Properties {
    }

    /** Represents a VStreamResponse. */
    class VStreamResponse {

        /**
         * Constructs a new VStreamResponse.
         * @param [properties] Properties to set
         */
        constructor(properties?: vtgate.VStreamResponse.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** VStreamResponse events. */
        events: binlogdata.VEvent.$Properties[];

        /**
         * Encodes the specified VStreamResponse message. Does not implicitly {@link vtgate.VStreamResponse.verify|verify} messages.
         * @param message VStreamResponse message or plain object to encode
         * @param [writer] Writer to encode to
         * @returns Writer
         */
        static encode(message: vtgate.VStreamResponse.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes a VStreamResponse message from the specified reader or buffer.
         * @param reader Reader or buffer to decode from
         * @param [length] Message length if known beforehand
         * @returns {vtgate.VStreamResponse & vtgate.VStreamResponse.$Shape} VStreamResponse
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): vtgate.VStreamResponse & vtgate.VStreamResponse.$Shape;
    }

    namespace VStreamResponse {

        /** Properties of a VStreamResponse. */
        interface $Properties {

            /** VStreamResponse events */
            events?: (binlogdata.VEvent.$Properties[]|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of a VStreamResponse. */
        type $Shape = vtgate.VStreamResponse.$Properties;
    }

    /**
     * Properties of a Session.
     * @deprecated Use vtgate.Session.$Properties instead.
     */
    interface ISession extends vtgate.Session.$Properties {
    }

    /** Represents a Session. */
    class Session {

        /**
         * Constructs a new Session.
         * @param [properties] Properties to set
         */
        constructor(properties?: vtgate.Session.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** Session inTransaction. */
        inTransaction: boolean;

        /** Session autocommit. */
        autocommit: boolean;

        /** Session targetString. */
        targetString: string;

        /** Session options. */
        options?: (query.ExecuteOptions.$Properties|null);

        /** Session systemVariables. */
        systemVariables: { [k: string]: string };

        /** Session enableSystemSettings. */
        enableSystemSettings: boolean;

        /**
         * Encodes the specified Session message. Does not implicitly {@link vtgate.Session.verify|verify} messages.
         * @param message Session message or plain object to encode
         * @param [writer] Writer to encode to
         * @returns Writer
         */
        static encode(message: vtgate.Session.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes a Session message from the specified reader or buffer.
         * @param reader Reader or buffer to decode from
         * @param [length] Message length if known beforehand
         * @returns {vtgate.Session & vtgate.Session.$Shape} Session
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): vtgate.Session & vtgate.Session.$Shape;
    }

    namespace Session {

        /** Properties of a Session. */
        interface $Properties {

            /** Session inTransaction */
            inTransaction?: (boolean|null);

            /** Session autocommit */
            autocommit?: (boolean|null);

            /** Session targetString */
            targetString?: (string|null);

            /** Session options */
            options?: (query.ExecuteOptions.$Properties|null);

            /** Session systemVariables */
            systemVariables?: ({ [k: string]: string }|null);

            /** Session enableSystemSettings */
            enableSystemSettings?: (boolean|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of a Session. */
        type $Shape = vtgate.Session.$Properties;
    }

    /**
     * Properties of an ExecuteRequest.
     * @deprecated Use vtgate.ExecuteRequest.$Properties instead.
     */
    interface IExecuteRequest extends vtgate.ExecuteRequest.$Properties {
    }

    /** Represents an ExecuteRequest. */
    class ExecuteRequest {

        /**
         * Constructs a new ExecuteRequest.
         * @param [properties] Properties to set
         */
        constructor(properties?: vtgate.ExecuteRequest.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** ExecuteRequest callerId. */
        callerId?: (vtrpc.CallerID.$Properties|null);

        /** ExecuteRequest session. */
        session?: (vtgate.Session.$Properties|null);

        /** ExecuteRequest query. */
        query?: (query.BoundQuery.$Properties|null);

        /**
         * Encodes the specified ExecuteRequest message. Does not implicitly {@link vtgate.ExecuteRequest.verify|verify} messages.
         * @param message ExecuteRequest message or plain object to encode
         * @param [writer] Writer to encode to
         * @returns Writer
         */
        static encode(message: vtgate.ExecuteRequest.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes an ExecuteRequest message from the specified reader or buffer.
         * @param reader Reader or buffer to decode from
         * @param [length] Message length if known beforehand
         * @returns {vtgate.ExecuteRequest & vtgate.ExecuteRequest.$Shape} ExecuteRequest
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): vtgate.ExecuteRequest & vtgate.ExecuteRequest.$Shape;
    }

    namespace ExecuteRequest {

        /** Properties of an ExecuteRequest. */
        interface $Properties {

            /** ExecuteRequest callerId */
            callerId?: (vtrpc.CallerID.$Properties|null);

            /** ExecuteRequest session */
            session?: (vtgate.Session.$Properties|null);

            /** ExecuteRequest query */
            query?: (query.BoundQuery.$Properties|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of an ExecuteRequest. */
        type $Shape = vtgate.ExecuteRequest.$Properties;
    }

    /**
     * Properties of an ExecuteResponse.
     * @deprecated Use vtgate.ExecuteResponse.$Properties instead.
     */
    interface IExecuteResponse extends vtgate.ExecuteResponse.$Properties {
    }

    /** Represents an ExecuteResponse. */
    class ExecuteResponse {

        /**
         * Constructs a new ExecuteResponse.
         * @param [properties] Properties to set
         */
        constructor(properties?: vtgate.ExecuteResponse.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** ExecuteResponse error. */
        error?: (vtrpc.RPCError.$Properties|null);

        /** ExecuteResponse session. */
        session?: (vtgate.Session.$Properties|null);

        /** ExecuteResponse result. */
        result?: (query.QueryResult.$Properties|null);

        /**
         * Encodes the specified ExecuteResponse message. Does not implicitly {@link vtgate.ExecuteResponse.verify|verify} messages.
         * @param message ExecuteResponse message or plain object to encode
         * @param [writer] Writer to encode to
         * @returns Writer
         */
        static encode(message: vtgate.ExecuteResponse.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes an ExecuteResponse message from the specified reader or buffer.
         * @param reader Reader or buffer to decode from
         * @param [length] Message length if known beforehand
         * @returns {vtgate.ExecuteResponse & vtgate.ExecuteResponse.$Shape} ExecuteResponse
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): vtgate.ExecuteResponse & vtgate.ExecuteResponse.$Shape;
    }

    namespace ExecuteResponse {

        /** Properties of an ExecuteResponse. */
        interface $Properties {

            /** ExecuteResponse error */
            error?: (vtrpc.RPCError.$Properties|null);

            /** ExecuteResponse session */
            session?: (vtgate.Session.$Properties|null);

            /** ExecuteResponse result */
            result?: (query.QueryResult.$Properties|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of an ExecuteResponse. */
        type $Shape = vtgate.ExecuteResponse.$Properties;
    }
}
