// The open patch's model reaches the components through a React context; they read its store with a selector.

import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import type { EditorModel, EditorState } from './model.ts';

export const EditorContext = createContext<EditorModel | null>(null);

export function useModel(): EditorModel {
  const model = useContext(EditorContext);
  if (model === null) {
    throw new Error('The studio components need an EditorContext provider.');
  }
  return model;
}

/** A slice of the editor state; the component renders again when it changes (compared with Object.is). */
export function useEditor<T>(selector: (state: EditorState) => T): T {
  return useStore(useModel().store, selector);
}
