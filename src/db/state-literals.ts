import {
  BinaryOperationNode,
  ColumnNode,
  type OperationNode,
  PostgresDialect,
  PostgresQueryCompiler,
  PrimitiveValueListNode,
  type QueryCompiler,
  ReferenceNode,
  ValueListNode,
  ValueNode,
} from 'kysely';

/**
 * Compared with a status or a state, the domain's words are written into the SQL rather than sent as
 * parameters. Partial indexes are defined by them (bookings_one_live: status not in ('refused',
 * 'cancelled'); bookings_waitlist: status = 'waitlisted'), and the plan a prepared statement keeps
 * (prepared-statements.ts) is made without the parameters' values: it could not use them, and read
 * every booking of the day instead — a child's days looked up in 3.8 ms instead of 0.16 ms, the
 * costliest statements of registration day. Only plain words become literals (escaped as Kysely
 * escapes any literal); anything else stays a parameter. Done while compiling, where the values are
 * written anyway: a plugin rebuilding every query's tree cost half again its build and compile.
 */
const STATE_COLUMNS = new Set(['status', 'state']);
const WORD = /^[a-z_]{1,40}$/;

const isWord = (value: unknown): value is string => typeof value === 'string' && WORD.test(value);

function isStateColumn(node: OperationNode): boolean {
  const column = ReferenceNode.is(node) ? node.column : node;
  return ColumnNode.is(column) && STATE_COLUMNS.has(column.column.name);
}

/** The operand as literals, or undefined to leave it as parameters. */
function asLiterals(node: OperationNode): OperationNode | undefined {
  if (ValueNode.is(node)) return !node.immediate && isWord(node.value) ? ValueNode.createImmediate(node.value) : undefined;
  if (PrimitiveValueListNode.is(node))
    return node.values.every(isWord) ? ValueListNode.create(node.values.map((value) => ValueNode.createImmediate(value))) : undefined;
  return undefined;
}

class StateLiteralsCompiler extends PostgresQueryCompiler {
  protected override visitBinaryOperation(node: BinaryOperationNode): void {
    const literals = isStateColumn(node.leftOperand) ? asLiterals(node.rightOperand) : undefined;
    super.visitBinaryOperation(literals ? BinaryOperationNode.create(node.leftOperand, node.operator, literals) : node);
  }
}

/** PostgreSQL's dialect, statuses compiled as literals. */
export class StateLiteralsDialect extends PostgresDialect {
  override createQueryCompiler(): QueryCompiler {
    return new StateLiteralsCompiler();
  }
}
