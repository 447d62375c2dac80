/** Types for the parts of @centrapay/swift-parser@1 used here (the package ships none). */
declare module '@centrapay/swift-parser' {
  /** The bignumber.js values the parser returns; only what is used here. */
  interface BigNumber {
    isInteger(): boolean;
    isNaN(): boolean;
    isNegative(): boolean;
    abs(): BigNumber;
    toFixed(): string;
  }

  export interface SwiftTransaction {
    date: Date;
    amount: BigNumber;
    isReversal: boolean;
    currency: string;
    details: string;
    transactionType: string;
    reference: string;
    bankReference: string;
    extraDetails: string;
  }

  export interface SwiftStatement {
    transactionReference: string;
    accountIdentification: string;
    currency: string;
    openingBalance: BigNumber;
    closingBalance: BigNumber;
    transactions: SwiftTransaction[];
  }

  const parser: {
    parse(options: { data: string; type: 'mt940' | 'mt942'; validate?: boolean }): SwiftStatement[];
  };
  export default parser;
}
