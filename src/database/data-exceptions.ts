/**
 * SQLSTATE class 22 (data exception), split by who can cause it. `client`: a value a client sent
 * (a string, number, date or JSON document that reaches the database as a parameter) can raise it,
 * so the answer is 400 `validation_failed`. `server`: only SQL the server-side code wrote can raise
 * it (an expression, a function argument, a LIMIT, an escape in a pattern we built), so it is a bug:
 * 500 `internal`, logged with the request id. Every class-22 state of PostgreSQL 15–17 is listed;
 * a state not listed here (a future one) is treated as `server`.
 */
export type DataExceptionSource = 'client' | 'server';

export const DATA_EXCEPTIONS: Readonly<Record<string, DataExceptionSource>> = {
  '22000': 'server', // data_exception (generic)
  '22001': 'client', // string_data_right_truncation: a string longer than its varchar(n) column
  '22002': 'server', // null_value_no_indicator_parameter
  '22003': 'client', // numeric_value_out_of_range: a number outside int4/int8/numeric(p,s)
  '22004': 'server', // null_value_not_allowed
  '22005': 'server', // error_in_assignment
  '22007': 'client', // invalid_datetime_format: a date/time string PostgreSQL cannot parse
  '22008': 'client', // datetime_field_overflow: a well-formed date/time out of range (2026-02-30)
  '22009': 'client', // invalid_time_zone_displacement_value: a date/time with an impossible offset
  '2200B': 'server', // escape_character_conflict
  '2200C': 'server', // invalid_use_of_escape_character (LIKE patterns are built and escaped by us)
  '2200D': 'server', // invalid_escape_octet
  '2200F': 'server', // zero_length_character_string
  '2200G': 'server', // most_specific_type_mismatch
  '2200H': 'server', // sequence_generator_limit_exceeded
  '2200L': 'server', // not_an_xml_document
  '2200M': 'server', // invalid_xml_document
  '2200N': 'server', // invalid_xml_content
  '2200S': 'server', // invalid_xml_comment
  '2200T': 'server', // invalid_xml_processing_instruction
  '22010': 'server', // invalid_indicator_parameter_value
  '22011': 'server', // substring_error
  '22012': 'server', // division_by_zero
  '22013': 'server', // invalid_preceding_or_following_size
  '22014': 'server', // invalid_argument_for_ntile_function
  '22015': 'client', // interval_field_overflow: an interval value out of range
  '22016': 'server', // invalid_argument_for_nth_value_function
  '22018': 'server', // invalid_character_value_for_cast (SQL standard; PostgreSQL casts raise 22P02)
  '22019': 'server', // invalid_escape_character
  '2201B': 'server', // invalid_regular_expression (no client-supplied regex reaches the database)
  '2201E': 'server', // invalid_argument_for_logarithm
  '2201F': 'server', // invalid_argument_for_power_function
  '2201G': 'server', // invalid_argument_for_width_bucket_function
  '2201W': 'server', // invalid_row_count_in_limit_clause (LIMIT comes from validated DTOs)
  '2201X': 'server', // invalid_row_count_in_result_offset_clause
  '22020': 'server', // invalid_limit_value
  '22021': 'client', // character_not_in_repertoire: bytes invalid in the database encoding
  '22022': 'server', // indicator_overflow
  '22023': 'server', // invalid_parameter_value: a bad argument to a function or setting our SQL calls
  '22024': 'server', // unterminated_c_string
  '22025': 'server', // invalid_escape_sequence (LIKE patterns are built and escaped by us)
  '22026': 'server', // string_data_length_mismatch
  '22027': 'server', // trim_error
  '2202E': 'server', // array_subscript_error
  '2202G': 'server', // invalid_tablesample_repeat
  '2202H': 'server', // invalid_tablesample_argument
  '22030': 'server', // duplicate_json_object_key_value
  '22031': 'server', // invalid_argument_for_sql_json_datetime_function
  '22032': 'client', // invalid_json_text: a JSON document PostgreSQL cannot parse
  '22033': 'server', // invalid_sql_json_subscript
  '22034': 'server', // more_than_one_sql_json_item
  '22035': 'server', // no_sql_json_item
  '22036': 'server', // non_numeric_sql_json_item
  '22037': 'server', // non_unique_keys_in_a_json_object
  '22038': 'server', // singleton_sql_json_item_required
  '22039': 'server', // sql_json_array_not_found
  '2203A': 'server', // sql_json_member_not_found
  '2203B': 'server', // sql_json_number_not_found
  '2203C': 'server', // sql_json_object_not_found
  '2203D': 'server', // too_many_json_array_elements
  '2203E': 'server', // too_many_json_object_members
  '2203F': 'server', // sql_json_scalar_required
  '2203G': 'server', // sql_json_item_cannot_be_cast_to_target_type
  '22P01': 'server', // floating_point_exception
  '22P02': 'client', // invalid_text_representation: 'abc' for an int, a malformed uuid or JSON value
  '22P03': 'server', // invalid_binary_representation (parameters are sent as text)
  '22P04': 'server', // bad_copy_file_format (no COPY)
  '22P05': 'client', // untranslatable_character: e.g. "\u0000" inside a JSON document stored as jsonb
  '22P06': 'server', // nonstandard_use_of_escape_character
};

/** Who can cause a class-22 SQLSTATE; anything unlisted is the server's own doing. */
export function dataExceptionSource(sqlState: string): DataExceptionSource {
  return DATA_EXCEPTIONS[sqlState] ?? 'server';
}
