import * as $protobuf from "protobufjs";
import Long = require("long");

/** Namespace cdc. */
export namespace cdc {

    /** Namespace v1. */
    namespace v1 {

        /**
         * Properties of a Value.
         * @deprecated Use cdc.v1.Value.$Properties instead.
         */
        interface IValue extends cdc.v1.Value.$Properties {
        }

        /** Represents a Value. */
        class Value {

            /**
             * Constructs a new Value.
             * @param [properties] Properties to set
             */
            constructor(properties?: cdc.v1.Value.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** Value nullValue. */
            nullValue?: (boolean|null);

            /** Value boolean. */
            boolean?: (boolean|null);

            /** Value integer. */
            integer?: (Long|null);

            /** Value float. */
            float?: (number|null);

            /** Value decimal. */
            decimal?: (string|null);

            /** Value text. */
            text?: (string|null);

            /** Value bytes. */
            bytes?: (Uint8Array|null);

            /** Value json. */
            json?: (string|null);

            /** Value date. */
            date?: (string|null);

            /** Value time. */
            time?: (string|null);

            /** Value timestamp. */
            timestamp?: (string|null);

            /** Value timestamptz. */
            timestamptz?: (string|null);

            /** Value uuid. */
            uuid?: (string|null);

            /** Value array. */
            array?: (cdc.v1.ArrayValue.$Properties|null);

            /** Value enum. */
            enum?: (string|null);

            /** Value interval. */
            interval?: (string|null);

            /** Value unchanged. */
            unchanged?: (boolean|null);

            /** Value unsigned. */
            unsigned?: (Long|null);

            /** Value kind. */
            kind?: ("nullValue"|"boolean"|"integer"|"float"|"decimal"|"text"|"bytes"|"json"|"date"|"time"|"timestamp"|"timestamptz"|"uuid"|"array"|"enum"|"interval"|"unchanged"|"unsigned");

            /**
             * Encodes the specified Value message. Does not implicitly {@link cdc.v1.Value.verify|verify} messages.
             * @param message Value message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: cdc.v1.Value.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a Value message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {cdc.v1.Value & cdc.v1.Value.$Shape} Value
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): cdc.v1.Value & cdc.v1.Value.$Shape;
        }

        namespace Value {

            /** Properties of a Value. */
            interface $Properties {

                /** Value nullValue */
                nullValue?: (boolean|null);

                /** Value boolean */
                boolean?: (boolean|null);

                /** Value integer */
                integer?: (Long|null);

                /** Value float */
                float?: (number|null);

                /** Value decimal */
                decimal?: (string|null);

                /** Value text */
                text?: (string|null);

                /** Value bytes */
                bytes?: (Uint8Array|null);

                /** Value json */
                json?: (string|null);

                /** Value date */
                date?: (string|null);

                /** Value time */
                time?: (string|null);

                /** Value timestamp */
                timestamp?: (string|null);

                /** Value timestamptz */
                timestamptz?: (string|null);

                /** Value uuid */
                uuid?: (string|null);

                /** Value array */
                array?: (cdc.v1.ArrayValue.$Properties|null);

                /** Value enum */
                "enum"?: (string|null);

                /** Value interval */
                interval?: (string|null);

                /** Value unchanged */
                unchanged?: (boolean|null);

                /** Value unsigned */
                unsigned?: (Long|null);

                /** Value kind */
                kind?: ("nullValue"|"boolean"|"integer"|"float"|"decimal"|"text"|"bytes"|"json"|"date"|"time"|"timestamp"|"timestamptz"|"uuid"|"array"|"enum"|"interval"|"unchanged"|"unsigned");

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Narrowed shape of a Value. */
            type $Shape = {
              nullValue?: boolean|null;
              boolean?: boolean|null;
              integer?: Long|null;
              float?: number|null;
              decimal?: string|null;
              text?: string|null;
              bytes?: Uint8Array|null;
              json?: string|null;
              date?: string|null;
              time?: string|null;
              timestamp?: string|null;
              timestamptz?: string|null;
              uuid?: string|null;
              array?: cdc.v1.ArrayValue.$Shape|null;
              "enum"?: string|null;
              interval?: string|null;
              unchanged?: boolean|null;
              unsigned?: Long|null;
              $unknowns?: Uint8Array[];
            } & (
              ({ kind?: undefined; nullValue?: null; boolean?: null; integer?: null; float?: null; decimal?: null; text?: null; bytes?: null; json?: null; date?: null; time?: null; timestamp?: null; timestamptz?: null; uuid?: null; array?: null; "enum"?: null; interval?: null; unchanged?: null; unsigned?: null }|{ kind?: "nullValue"; nullValue: boolean; boolean?: null; integer?: null; float?: null; decimal?: null; text?: null; bytes?: null; json?: null; date?: null; time?: null; timestamp?: null; timestamptz?: null; uuid?: null; array?: null; "enum"?: null; interval?: null; unchanged?: null; unsigned?: null }|{ kind?: "boolean"; nullValue?: null; boolean: boolean; integer?: null; float?: null; decimal?: null; text?: null; bytes?: null; json?: null; date?: null; time?: null; timestamp?: null; timestamptz?: null; uuid?: null; array?: null; "enum"?: null; interval?: null; unchanged?: null; unsigned?: null }|{ kind?: "integer"; nullValue?: null; boolean?: null; integer: Long; float?: null; decimal?: null; text?: null; bytes?: null; json?: null; date?: null; time?: null; timestamp?: null; timestamptz?: null; uuid?: null; array?: null; "enum"?: null; interval?: null; unchanged?: null; unsigned?: null }|{ kind?: "float"; nullValue?: null; boolean?: null; integer?: null; float: number; decimal?: null; text?: null; bytes?: null; json?: null; date?: null; time?: null; timestamp?: null; timestamptz?: null; uuid?: null; array?: null; "enum"?: null; interval?: null; unchanged?: null; unsigned?: null }|{ kind?: "decimal"; nullValue?: null; boolean?: null; integer?: null; float?: null; decimal: string; text?: null; bytes?: null; json?: null; date?: null; time?: null; timestamp?: null; timestamptz?: null; uuid?: null; array?: null; "enum"?: null; interval?: null; unchanged?: null; unsigned?: null }|{ kind?: "text"; nullValue?: null; boolean?: null; integer?: null; float?: null; decimal?: null; text: string; bytes?: null; json?: null; date?: null; time?: null; timestamp?: null; timestamptz?: null; uuid?: null; array?: null; "enum"?: null; interval?: null; unchanged?: null; unsigned?: null }|{ kind?: "bytes"; nullValue?: null; boolean?: null; integer?: null; float?: null; decimal?: null; text?: null; bytes: Uint8Array; json?: null; date?: null; time?: null; timestamp?: null; timestamptz?: null; uuid?: null; array?: null; "enum"?: null; interval?: null; unchanged?: null; unsigned?: null }|{ kind?: "json"; nullValue?: null; boolean?: null; integer?: null; float?: null; decimal?: null; text?: null; bytes?: null; json: string; date?: null; time?: null; timestamp?: null; timestamptz?: null; uuid?: null; array?: null; "enum"?: null; interval?: null; unchanged?: null; unsigned?: null }|{ kind?: "date"; nullValue?: null; boolean?: null; integer?: null; float?: null; decimal?: null; text?: null; bytes?: null; json?: null; date: string; time?: null; timestamp?: null; timestamptz?: null; uuid?: null; array?: null; "enum"?: null; interval?: null; unchanged?: null; unsigned?: null }|{ kind?: "time"; nullValue?: null; boolean?: null; integer?: null; float?: null; decimal?: null; text?: null; bytes?: null; json?: null; date?: null; time: string; timestamp?: null; timestamptz?: null; uuid?: null; array?: null; "enum"?: null; interval?: null; unchanged?: null; unsigned?: null }|{ kind?: "timestamp"; nullValue?: null; boolean?: null; integer?: null; float?: null; decimal?: null; text?: null; bytes?: null; json?: null; date?: null; time?: null; timestamp: string; timestamptz?: null; uuid?: null; array?: null; "enum"?: null; interval?: null; unchanged?: null; unsigned?: null }|{ kind?: "timestamptz"; nullValue?: null; boolean?: null; integer?: null; float?: null; decimal?: null; text?: null; bytes?: null; json?: null; date?: null; time?: null; timestamp?: null; timestamptz: string; uuid?: null; array?: null; "enum"?: null; interval?: null; unchanged?: null; unsigned?: null }|{ kind?: "uuid"; nullValue?: null; boolean?: null; integer?: null; float?: null; decimal?: null; text?: null; bytes?: null; json?: null; date?: null; time?: null; timestamp?: null; timestamptz?: null; uuid: string; array?: null; "enum"?: null; interval?: null; unchanged?: null; unsigned?: null }|{ kind?: "array"; nullValue?: null; boolean?: null; integer?: null; float?: null; decimal?: null; text?: null; bytes?: null; json?: null; date?: null; time?: null; timestamp?: null; timestamptz?: null; uuid?: null; array: cdc.v1.ArrayValue.$Shape; "enum"?: null; interval?: null; unchanged?: null; unsigned?: null }|{ kind?: "enum"; nullValue?: null; boolean?: null; integer?: null; float?: null; decimal?: null; text?: null; bytes?: null; json?: null; date?: null; time?: null; timestamp?: null; timestamptz?: null; uuid?: null; array?: null; "enum": string; interval?: null; unchanged?: null; unsigned?: null }|{ kind?: "interval"; nullValue?: null; boolean?: null; integer?: null; float?: null; decimal?: null; text?: null; bytes?: null; json?: null; date?: null; time?: null; timestamp?: null; timestamptz?: null; uuid?: null; array?: null; "enum"?: null; interval: string; unchanged?: null; unsigned?: null }|{ kind?: "unchanged"; nullValue?: null; boolean?: null; integer?: null; float?: null; decimal?: null; text?: null; bytes?: null; json?: null; date?: null; time?: null; timestamp?: null; timestamptz?: null; uuid?: null; array?: null; "enum"?: null; interval?: null; unchanged: boolean; unsigned?: null }|{ kind?: "unsigned"; nullValue?: null; boolean?: null; integer?: null; float?: null; decimal?: null; text?: null; bytes?: null; json?: null; date?: null; time?: null; timestamp?: null; timestamptz?: null; uuid?: null; array?: null; "enum"?: null; interval?: null; unchanged?: null; unsigned: Long })
            );
        }

        /**
         * Properties of an ArrayValue.
         * @deprecated Use cdc.v1.ArrayValue.$Properties instead.
         */
        interface IArrayValue extends cdc.v1.ArrayValue.$Properties {
        }

        /** Represents an ArrayValue. */
        class ArrayValue {

            /**
             * Constructs a new ArrayValue.
             * @param [properties] Properties to set
             */
            constructor(properties?: cdc.v1.ArrayValue.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** ArrayValue elements. */
            elements: cdc.v1.Value.$Properties[];

            /**
             * Encodes the specified ArrayValue message. Does not implicitly {@link cdc.v1.ArrayValue.verify|verify} messages.
             * @param message ArrayValue message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: cdc.v1.ArrayValue.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes an ArrayValue message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {cdc.v1.ArrayValue & cdc.v1.ArrayValue.$Shape} ArrayValue
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): cdc.v1.ArrayValue & cdc.v1.ArrayValue.$Shape;
        }

        namespace ArrayValue {

            /** Properties of an ArrayValue. */
            interface $Properties {

                /** ArrayValue elements */
                elements?: (cdc.v1.Value.$Properties[]|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of an ArrayValue. */
            type $Shape = {
              elements?: cdc.v1.Value.$Shape[]|null;
              $unknowns?: Uint8Array[];
            };
        }

        /**
         * Properties of a Column.
         * @deprecated Use cdc.v1.Column.$Properties instead.
         */
        interface IColumn extends cdc.v1.Column.$Properties {
        }

        /** Represents a Column. */
        class Column {

            /**
             * Constructs a new Column.
             * @param [properties] Properties to set
             */
            constructor(properties?: cdc.v1.Column.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** Column name. */
            name: string;

            /** Column type. */
            type: string;

            /** Column key. */
            key: boolean;

            /** Column nullable. */
            nullable: boolean;

            /** Column typeOid. */
            typeOid: number;

            /** Column elementTypeOid. */
            elementTypeOid: number;

            /** Column valueKind. */
            valueKind: string;

            /**
             * Encodes the specified Column message. Does not implicitly {@link cdc.v1.Column.verify|verify} messages.
             * @param message Column message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: cdc.v1.Column.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a Column message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {cdc.v1.Column & cdc.v1.Column.$Shape} Column
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): cdc.v1.Column & cdc.v1.Column.$Shape;
        }

        namespace Column {

            /** Properties of a Column. */
            interface $Properties {

                /** Column name */
                name?: (string|null);

                /** Column type */
                type?: (string|null);

                /** Column key */
                key?: (boolean|null);

                /** Column nullable */
                nullable?: (boolean|null);

                /** Column typeOid */
                typeOid?: (number|null);

                /** Column elementTypeOid */
                elementTypeOid?: (number|null);

                /** Column valueKind */
                valueKind?: (string|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a Column. */
            type $Shape = cdc.v1.Column.$Properties;
        }

        /**
         * Properties of a TableSchema.
         * @deprecated Use cdc.v1.TableSchema.$Properties instead.
         */
        interface ITableSchema extends cdc.v1.TableSchema.$Properties {
        }

        /** Represents a TableSchema. */
        class TableSchema {

            /**
             * Constructs a new TableSchema.
             * @param [properties] Properties to set
             */
            constructor(properties?: cdc.v1.TableSchema.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** TableSchema schema. */
            schema: string;

            /** TableSchema table. */
            table: string;

            /** TableSchema columns. */
            columns: cdc.v1.Column.$Properties[];

            /** TableSchema hasKey. */
            hasKey: boolean;

            /**
             * Encodes the specified TableSchema message. Does not implicitly {@link cdc.v1.TableSchema.verify|verify} messages.
             * @param message TableSchema message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: cdc.v1.TableSchema.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a TableSchema message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {cdc.v1.TableSchema & cdc.v1.TableSchema.$Shape} TableSchema
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): cdc.v1.TableSchema & cdc.v1.TableSchema.$Shape;
        }

        namespace TableSchema {

            /** Properties of a TableSchema. */
            interface $Properties {

                /** TableSchema schema */
                schema?: (string|null);

                /** TableSchema table */
                table?: (string|null);

                /** TableSchema columns */
                columns?: (cdc.v1.Column.$Properties[]|null);

                /** TableSchema hasKey */
                hasKey?: (boolean|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a TableSchema. */
            type $Shape = cdc.v1.TableSchema.$Properties;
        }

        /** Kind enum. */
        enum Kind {

            /** KIND_UNSPECIFIED value */
            KIND_UNSPECIFIED = 0,

            /** KIND_INSERT value */
            KIND_INSERT = 1,

            /** KIND_UPDATE value */
            KIND_UPDATE = 2,

            /** KIND_DELETE value */
            KIND_DELETE = 3,

            /** KIND_TRUNCATE value */
            KIND_TRUNCATE = 4,

            /** KIND_DDL value */
            KIND_DDL = 5,

            /** KIND_SNAPSHOT_ROW value */
            KIND_SNAPSHOT_ROW = 6,

            /** KIND_ROWS value */
            KIND_ROWS = 7
        }

        /**
         * Properties of a Position.
         * @deprecated Use cdc.v1.Position.$Properties instead.
         */
        interface IPosition extends cdc.v1.Position.$Properties {
        }

        /** Represents a Position. */
        class Position {

            /**
             * Constructs a new Position.
             * @param [properties] Properties to set
             */
            constructor(properties?: cdc.v1.Position.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** Position commit. */
            commit: Long;

            /** Position index. */
            index: number;

            /** Position token. */
            token: Uint8Array;

            /** Position lane. */
            lane: string;

            /**
             * Encodes the specified Position message. Does not implicitly {@link cdc.v1.Position.verify|verify} messages.
             * @param message Position message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: cdc.v1.Position.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a Position message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {cdc.v1.Position & cdc.v1.Position.$Shape} Position
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): cdc.v1.Position & cdc.v1.Position.$Shape;
        }

        namespace Position {

            /** Properties of a Position. */
            interface $Properties {

                /** Position commit */
                commit?: (Long|null);

                /** Position index */
                index?: (number|null);

                /** Position token */
                token?: (Uint8Array|null);

                /** Position lane */
                lane?: (string|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a Position. */
            type $Shape = cdc.v1.Position.$Properties;
        }

        /**
         * Properties of a ChangeOp.
         * @deprecated Use cdc.v1.ChangeOp.$Properties instead.
         */
        interface IChangeOp extends cdc.v1.ChangeOp.$Properties {
        }

        /** Represents a ChangeOp. */
        class ChangeOp {

            /**
             * Constructs a new ChangeOp.
             * @param [properties] Properties to set
             */
            constructor(properties?: cdc.v1.ChangeOp.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** ChangeOp kind. */
            kind: cdc.v1.Kind;

            /** ChangeOp table. */
            table: number;

            /** ChangeOp key. */
            key: cdc.v1.Value.$Properties[];

            /** ChangeOp before. */
            before: cdc.v1.Value.$Properties[];

            /** ChangeOp after. */
            after: cdc.v1.Value.$Properties[];

            /** ChangeOp position. */
            position?: (cdc.v1.Position.$Properties|null);

            /** ChangeOp commitTimeUs. */
            commitTimeUs: Long;

            /** ChangeOp ddl. */
            ddl: string;

            /** ChangeOp barrier. */
            barrier: number[];

            /** ChangeOp keyText. */
            keyText: Uint8Array;

            /** ChangeOp beforeText. */
            beforeText: Uint8Array;

            /** ChangeOp afterText. */
            afterText: Uint8Array;

            /** ChangeOp rows. */
            rows: number;

            /** ChangeOp intoEmpty. */
            intoEmpty: boolean;

            /**
             * Encodes the specified ChangeOp message. Does not implicitly {@link cdc.v1.ChangeOp.verify|verify} messages.
             * @param message ChangeOp message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: cdc.v1.ChangeOp.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a ChangeOp message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {cdc.v1.ChangeOp & cdc.v1.ChangeOp.$Shape} ChangeOp
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): cdc.v1.ChangeOp & cdc.v1.ChangeOp.$Shape;
        }

        namespace ChangeOp {

            /** Properties of a ChangeOp. */
            interface $Properties {

                /** ChangeOp kind */
                kind?: (cdc.v1.Kind|null);

                /** ChangeOp table */
                table?: (number|null);

                /** ChangeOp key */
                key?: (cdc.v1.Value.$Properties[]|null);

                /** ChangeOp before */
                before?: (cdc.v1.Value.$Properties[]|null);

                /** ChangeOp after */
                after?: (cdc.v1.Value.$Properties[]|null);

                /** ChangeOp position */
                position?: (cdc.v1.Position.$Properties|null);

                /** ChangeOp commitTimeUs */
                commitTimeUs?: (Long|null);

                /** ChangeOp ddl */
                ddl?: (string|null);

                /** ChangeOp barrier */
                barrier?: (number[]|null);

                /** ChangeOp keyText */
                keyText?: (Uint8Array|null);

                /** ChangeOp beforeText */
                beforeText?: (Uint8Array|null);

                /** ChangeOp afterText */
                afterText?: (Uint8Array|null);

                /** ChangeOp rows */
                rows?: (number|null);

                /** ChangeOp intoEmpty */
                intoEmpty?: (boolean|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a ChangeOp. */
            type $Shape = {
              kind?: cdc.v1.Kind|null;
              table?: number|null;
              key?: cdc.v1.Value.$Shape[]|null;
              before?: cdc.v1.Value.$Shape[]|null;
              after?: cdc.v1.Value.$Shape[]|null;
              position?: cdc.v1.Position.$Shape|null;
              commitTimeUs?: Long|null;
              ddl?: string|null;
              barrier?: number[]|null;
              keyText?: Uint8Array|null;
              beforeText?: Uint8Array|null;
              afterText?: Uint8Array|null;
              rows?: number|null;
              intoEmpty?: boolean|null;
              $unknowns?: Uint8Array[];
            };
        }

        /**
         * Properties of a ChangeBatch.
         * @deprecated Use cdc.v1.ChangeBatch.$Properties instead.
         */
        interface IChangeBatch extends cdc.v1.ChangeBatch.$Properties {
        }

        /** Represents a ChangeBatch. */
        class ChangeBatch {

            /**
             * Constructs a new ChangeBatch.
             * @param [properties] Properties to set
             */
            constructor(properties?: cdc.v1.ChangeBatch.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** ChangeBatch source. */
            source: string;

            /** ChangeBatch partition. */
            partition: number;

            /** ChangeBatch tables. */
            tables: cdc.v1.TableSchema.$Properties[];

            /** ChangeBatch ops. */
            ops: cdc.v1.ChangeOp.$Properties[];

            /**
             * Encodes the specified ChangeBatch message. Does not implicitly {@link cdc.v1.ChangeBatch.verify|verify} messages.
             * @param message ChangeBatch message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: cdc.v1.ChangeBatch.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a ChangeBatch message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {cdc.v1.ChangeBatch & cdc.v1.ChangeBatch.$Shape} ChangeBatch
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): cdc.v1.ChangeBatch & cdc.v1.ChangeBatch.$Shape;
        }

        namespace ChangeBatch {

            /** Properties of a ChangeBatch. */
            interface $Properties {

                /** ChangeBatch source */
                source?: (string|null);

                /** ChangeBatch partition */
                partition?: (number|null);

                /** ChangeBatch tables */
                tables?: (cdc.v1.TableSchema.$Properties[]|null);

                /** ChangeBatch ops */
                ops?: (cdc.v1.ChangeOp.$Properties[]|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a ChangeBatch. */
            type $Shape = {
              source?: string|null;
              partition?: number|null;
              tables?: cdc.v1.TableSchema.$Shape[]|null;
              ops?: cdc.v1.ChangeOp.$Shape[]|null;
              $unknowns?: Uint8Array[];
            };
        }

        /**
         * Properties of a Watermark.
         * @deprecated Use cdc.v1.Watermark.$Properties instead.
         */
        interface IWatermark extends cdc.v1.Watermark.$Properties {
        }

        /** Represents a Watermark. */
        class Watermark {

            /**
             * Constructs a new Watermark.
             * @param [properties] Properties to set
             */
            constructor(properties?: cdc.v1.Watermark.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** Watermark source. */
            source: string;

            /** Watermark seq. */
            seq: Long;

            /** Watermark position. */
            position?: (cdc.v1.Position.$Properties|null);

            /** Watermark timeUs. */
            timeUs: Long;

            /**
             * Encodes the specified Watermark message. Does not implicitly {@link cdc.v1.Watermark.verify|verify} messages.
             * @param message Watermark message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: cdc.v1.Watermark.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a Watermark message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {cdc.v1.Watermark & cdc.v1.Watermark.$Shape} Watermark
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): cdc.v1.Watermark & cdc.v1.Watermark.$Shape;
        }

        namespace Watermark {

            /** Properties of a Watermark. */
            interface $Properties {

                /** Watermark source */
                source?: (string|null);

                /** Watermark seq */
                seq?: (Long|null);

                /** Watermark position */
                position?: (cdc.v1.Position.$Properties|null);

                /** Watermark timeUs */
                timeUs?: (Long|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a Watermark. */
            type $Shape = cdc.v1.Watermark.$Properties;
        }
    }
}
